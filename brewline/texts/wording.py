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
    "nothing_open": (
        "Thank you for getting in touch with Over a Brew. There are no questions to answer "
        "just now. We have kept your message."),
}


def finished_words(title: str, others: list[tuple[str, str]]) -> str:
    """A set has finished: say so kindly, and how to start each open one (keyword, title)."""
    said = f'Thank you for getting in touch. Our questions "{title}" have finished, so we ' \
           "are not taking answers to them now."
    if not others:
        return said + " There are no other questions just now."
    if len(others) == 1:
        keyword, other = others[0]
        return said + f' You can answer "{other}" instead: just text {keyword}.'
    listed = ", or ".join(f'{keyword} for "{other}"' for keyword, other in others)
    return said + f" You can answer these instead. Text {listed}."
