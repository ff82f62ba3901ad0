"""Every line the live session says, by key: callers' words and the organiser's page.

One table, so the lines can move into the language catalogue as they are. Callers'
lines are checked for plain words (tests/test_participant_words.py).
"""

# What callers hear.
VOICE = {
    "offer": (
        "Hello, this is Over a Brew. The session is on now. It is about {title}."),
    "offer_keys": (
        "To listen in, press 1. You will not be heard unless you ask to speak. "
        "For our questions instead, press 2."),
    "recorded": (
        "This session is being recorded. If you would rather not be recorded, press 2, "
        "or just hang up."),
    "join": "You are going in now. Press star at any time for a short menu.",
    "wait": "Thank you for joining. The session will start soon. Here is some music while you wait.",
    "menu": (
        "To ask to speak, press 1. To go back to listening, press 2. To hear what is "
        "happening now, press 3. For help, press 0."),
    "help": (
        "You are listening in quietly. Nobody can hear you. Press 1 to ask to speak, and the "
        "host will let you in when it is your turn. Press 9 to make me speak more slowly."),
    "hand_up": "Thank you. The host knows you would like to speak. Back to the room now.",
    "hand_already": "You have already asked to speak. The host will let you in soon.",
    "back": "Back to the room now.",
    "now_waiting": "The host is not here yet. {people}",
    "now_on": "The session is on. {people}",
    "now_break": "We are having a short break. {people}",
    "people_one": "You are the only one in the call.",
    "people_many": "{count} people are in the call.",
    "ended": "The session has finished. Thank you so much for listening. Goodbye.",
    "not_now": "The session is not on just now. Thank you for calling. Goodbye.",
    "pin": "Please key in the host PIN, then press the hash key.",
    "pin_wrong": "Sorry, that PIN is not right. Let us go back to the start.",
    "host_in": "Thank you. You are the host. The session starts as you go in.",
    "break": "We will take ten minutes. Stay on the line, or ring back later.",
    "sorry_back": "Sorry, something went wrong. Back to the room now.",
}

# What the organiser's live page says (not read by callers).
PAGE = {
    "twilio_failed": (
        "We could not reach the phone service just now, so that did not happen. "
        "Callers are still in the room. Please try again in a moment."),
    "no_conference": (
        "Nobody is in the call yet, so there is nothing to change. Ring in as the host "
        "first."),
    "database_down": (
        "We cannot reach our database just now. Callers are still in the room. This page "
        "will catch up by itself."),
    "ended": "The session has ended. Everyone has been told and let go.",
    "unmuted": "{name} can speak now.",
    "muted": "{name} is listening quietly again.",
    "lowered": "{name}'s hand is lowered.",
    "announced": "The break was announced to everyone in the call.",
}
