"""People: the contacts Brewline talks to, and what they agreed to.

A contact is a person with a phone number (stored in E.164, masked in logs), who texted
or rang us or was imported from an organiser's spreadsheet; their consent to hear from
us (the latest word counts), the tags organisers give them, and the audiences built
from both. Nothing here sends anything: delivery does.
"""
