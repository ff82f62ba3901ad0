"""A person chooses their language by texting its name, at any time: "POLSKI", "Polish",
"العربية", "Arabic". Their place is kept; the reply, and everything after it, is in the
new language."""
from __future__ import annotations

from brewline.surveys import conversations
from brewline.texts.inbound import Context, question_again
from flows.words import language_named, switched_on, words


def chosen(ctx: Context) -> list[str] | None:
    """The text names a language that is switched on: speak it from now on; else None."""
    code = language_named(ctx.body, switched_on(ctx.runtime.settings.languages))
    if code is None:
        return None
    conversations.speak_in(ctx.session, ctx.contact, code)
    return [words("languages.switched", code)] + question_again(ctx)
