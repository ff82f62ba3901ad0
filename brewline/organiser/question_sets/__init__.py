"""The Question sets pages: write a set, check it as you type, try it, publish it, ask people.

`page.py` lists the sets and shows one (versions, publishing, closing, the default, files),
`editor.py` is the form for a draft (questions added, moved and removed; checks beside
each field, live with JavaScript and on every save without), `form.py` reads that form
and puts the checks by field, and `asking.py` sends a set to a tag or to the people who
came to an event. The words on these pages say "question set" and "question".
"""
