"""What the phone line understands beyond keys. Its own words are in the catalogue
(flows/data/words/<language>.yaml, sections `voice` and `call_texts`)."""

# Things people say on a call meaning "I cannot get texts".
CANNOT_TEXT_PHRASES = frozenset({
    "i cannot get texts", "i cant get texts", "i cannot text", "i cant text",
    "no texts", "i dont get texts", "i do not get texts", "landline", "i have a landline",
    "i only have a landline", "i cannot read texts", "i cant read texts",
    "cannot get texts", "cant get texts", "phone only",
})
