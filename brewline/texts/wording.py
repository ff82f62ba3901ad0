"""What the service itself says, outside any flow. Checked for readability by the tests."""

REPLIES = {
    "opted_out": (
        "You will not get any more texts or calls from Over a Brew. Thank you for your time. "
        "If you ever want to hear from us again, text START."),
    "opted_in": "Welcome back to Over a Brew. Text anything to carry on where you left off.",
    "words_only": (
        "Sorry, we can only read words, not pictures or empty messages. We have kept what "
        "you sent. Please text your answer in words."),
    "error": (
        "Sorry, something went wrong on our side. We have kept your message and will "
        "reply soon."),
    "holding": "Thank you, we have your message. We will reply in a few minutes.",
}
