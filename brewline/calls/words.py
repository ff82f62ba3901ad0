"""What the phone line itself says, outside any flow: plain, short, kind."""

VOICE = {
    "record": (
        "Please speak your answer after the tone. Take your time. "
        "Press the hash key when you have finished."),
    "review": (
        "Thank you. Press 1 to keep your answer, 2 to hear it back, or 3 to record it "
        "again. If you do nothing, we will keep it."),
    "review_again": (
        "Sorry, I did not catch that. Press 1 to keep it, 2 to hear it, or 3 to record again."),
    "record_again": "Of course. Let us record it again.",
    "not_understood": "Sorry, I did not catch that.",
    "silence_1": "I did not hear anything. That is fine, take your time.",
    "silence_2": (
        "Are you still there? Press 1 if you would like more time. "
        "If you need a break, just hang up and we will keep your place."),
    "more_time": "Of course. Take all the time you need.",
    "goodbye_saved": (
        "We have not heard from you for a while, so we will end the call now. Your place "
        "is saved. Ring this number again, or text us, whenever you are ready. "
        "We will carry on from where you left off. Goodbye."),
    "slower": "Of course. I will speak more slowly from now on.",
    "slowest": "I am already speaking as slowly as I can. Take your time.",
    "phone_only": (
        "Thank you for telling us. We will not send you any text messages. "
        "We will only talk to you by phone."),
    "opted_out": (
        "Of course. We will not contact you again. Thank you for your time. Goodbye."),
    "goodbye": "Thank you for calling Over a Brew. Goodbye.",
    # The short menu at the start of a call when more than one question set is open.
    "menu": "Hello, this is Over a Brew. We have more than one set of questions just now.",
    "menu_option": "For {words}, press {key}.",
    "menu_again": "You can choose now, or take your time.",
    "menu_goodbye": (
        "We did not hear a choice, so we will end the call now. Ring this number again "
        "whenever you are ready. Goodbye."),
    "nothing_open": (
        "Hello, this is Over a Brew. There are no questions to answer just now. Thank you "
        "for calling. Goodbye."),
    "closed": (
        "Hello, this is Over a Brew. The questions we rang about have finished, so there is "
        "nothing to answer now. Thank you, and goodbye."),
    "voicemail": (
        "Hello, this is Over a Brew. You asked us to ring you about our short questions. "
        "Sorry we missed you. Ring this number back whenever suits you. Goodbye."),
    # The same, when an organiser asked us to ring about a question set (nobody asked us).
    "voicemail_asked": (
        "Hello, this is Over a Brew. We rang to ask you a few short questions. Sorry we "
        "missed you. Ring this number back whenever suits you. Goodbye."),
    "hidden_number": (
        "Hello, this is Over a Brew. Your number is hidden, so we cannot keep your place "
        "in the questions. Please ring again without hiding your number, or text us. "
        "Goodbye."),
    "error": (
        "Sorry, something went wrong on our side. Your answers so far are saved. "
        "Please ring again a little later. Goodbye."),
    # Said when the database cannot be reached, so nothing can be looked up or kept then.
    "database_down": (
        "We are very sorry. We cannot take answers just at the moment. Nothing you have "
        "told us so far is lost. Please ring this number again a little later. If you have "
        "been texting us, you can carry on by text. Thank you, and goodbye."),
}

# Texts the call channel sends (voicemail follow-up, "call me" replies).
TEXTS = {
    "voicemail": (
        "Sorry we missed you. This is Over a Brew: we rang as you asked. Ring us back on "
        "this number when it suits you, or text CALL and we will try again."),
    "call_queued": (
        "Thank you. We will ring you from this number soon to go through the questions by "
        "phone. We only ring between 9am and 8pm."),
    "call_already": "We will ring you soon, as you asked. We only ring between 9am and 8pm.",
}

# Things people say on a call meaning "I cannot get texts".
CANNOT_TEXT_PHRASES = frozenset({
    "i cannot get texts", "i cant get texts", "i cannot text", "i cant text",
    "no texts", "i dont get texts", "i do not get texts", "landline", "i have a landline",
    "i only have a landline", "i cannot read texts", "i cant read texts",
    "cannot get texts", "cant get texts", "phone only",
})
