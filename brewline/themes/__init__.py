"""Themes: what people said, grouped on this machine, what was done about it, and the
yearly public report.

- `embedding.py` the shipped model (optional: `brewline[themes]`), `grouping.py` k-means
  with k by silhouette, `words.py` suggested words for a name;
- `suggest.py` suggesting groups of open answers, renaming, merging, splitting, accepting
  (accepted groups become answer themes, `models.AnswerTag`);
- `actions.py` what was done about a theme ("we did"), and the "you said, we did" text;
- `quotes.py` answers that may be quoted: only from people who said yes to `quotes`;
- `report.py` the yearly figures, `report_text.py` / `report_html.py` / `report_pdf.py`
  the three ways to read them.
"""
