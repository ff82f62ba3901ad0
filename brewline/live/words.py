"""What the organiser's live page says. Callers' words are in the catalogue
(flows/data/words/<language>.yaml, section `live`), in their own language."""

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
