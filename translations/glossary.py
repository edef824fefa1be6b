"""Write GLOSSARY.md from glossary.toml: python translations/glossary.py

The toml file is the glossary; this page shows it to people. tests/test_glossary.py checks
that the page is up to date and that every catalog keeps to it.
"""

import tomllib
from pathlib import Path

HERE = Path(__file__).resolve().parent

INTRO = """\
# Glossary

One word per term, in every language. Translators and reviewers use it; `tests/test_glossary.py`
fails when a catalog uses one of the *words not to use* in an entry whose English text speaks
of the term.

This page is made from [`glossary.toml`](glossary.toml): change that file, then run
`python translations/glossary.py`. Each table below has a row per language and a column per
term; the notes under it say what a term means in Bro and where a country's institutions have
their own word. The last part lists, per language, other forms of each word a catalog may use
and the words it must not use (`*` stands for any ending or beginning).

To add a language, add its section to `glossary.toml` with a word for every term (the test
fails for a language without one) and its words not to use, then run the script.
"""


def cell(text: str) -> str:
    return text.replace("|", "\\|")


def render(data: dict) -> str:
    terms = data["terms"]
    languages = [code for code in data if code != "terms"]
    english = data["en"]
    lines = [INTRO]
    groups = list(dict.fromkeys(term["group"] for term in terms.values()))
    for group in groups:
        keys = [key for key, term in terms.items() if term["group"] == group]
        lines += [f"## {group}", ""]
        lines.append("| | " + " | ".join(cell(english[key]["word"]) for key in keys) + " |")
        lines.append("|---|" + "---|" * len(keys))
        for code in languages:
            row = [cell(data[code][key]["word"]) for key in keys]
            lines.append(f"| {code} | " + " | ".join(row) + " |")
        notes = []
        for key in keys:
            if note := terms[key].get("note"):
                notes.append(f"- *{english[key]['word']}*: {note}")
            for code in languages:
                if note := data[code][key].get("note"):
                    notes.append(f"- *{english[key]['word']}*, {code}: {note}")
        lines += [""] + notes + ([""] if notes else [])
    lines += ["## Other forms and words not to use", ""]
    for code in languages:
        lines += [f"### {code}", ""]
        for key in terms:
            entry = data[code][key]
            parts = []
            if forms := entry.get("forms"):
                parts.append("also " + ", ".join(forms))
            if forbidden := entry.get("forbidden"):
                parts.append("not " + ", ".join(f"`{word}`" for word in forbidden))
            if parts:
                lines.append(f"- **{entry['word']}** ({english[key]['word']}): "
                             + "; ".join(parts))
        lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    glossary = tomllib.loads((HERE / "glossary.toml").read_text(encoding="utf-8"))
    (HERE / "GLOSSARY.md").write_text(render(glossary), encoding="utf-8")
