#!/usr/bin/env python3
"""Turns a minutes document published as Markdown (read from a public repository) into the plain
page text clerk's OCR stage would produce from the original PDF: front matter, link targets and
emphasis removed, quote markers dropped, vote tables printed as "Yeas: A, B, C" lines, and pages
split where the Markdown marks a page break (a "---" line).

Usage: md-to-text.py SOURCE.md OUT_DIR   (writes OUT_DIR/page-1.txt ... page-N.txt)
"""
import re
import sys
from pathlib import Path


def strip_front_matter(text):
    if text.startswith("---\n"):
        end = text.find("\n---\n", 4)
        if end > 0:
            return text[end + 5:]
    return text


def vote_table(rows):
    """|Yeas:|Nays:| / |-|-| / |A|B| ... -> one "Label: names" line per column."""
    cells = [[c.strip() for c in r.strip().strip("|").split("|")] for r in rows]
    header, body = cells[0], [r for r in cells[1:] if not all(set(c) <= {"-"} for c in r)]
    lines = []
    for i, label in enumerate(header):
        names = [r[i] for r in body if i < len(r) and r[i]]
        lines.append(f"{label} {', '.join(names)}")
    return lines


def convert(md):
    text = strip_front_matter(md)
    out, table = [], []
    for raw in text.split("\n"):
        line = raw
        if line.startswith(">"):
            line = line.lstrip(">").lstrip()
        if line.startswith("|"):
            table.append(line)
            continue
        if table:
            out.extend(vote_table(table))
            table = []
        if line.startswith("[Original link]") or line.startswith("[Original file]"):
            continue
        if line.startswith("<span data-pagefind"):
            continue
        line = re.sub(r"^\[!abstract\]-\s*", "", line)
        line = re.sub(r"^#+\s*", "", line)
        line = line.replace("&nbsp;", " ")
        line = re.sub(r"\[([^\]]*)\]\(<?[^)>]*>?\)", r"\1", line)
        line = line.replace("****", "").replace("***", "").replace("**", "").replace("\\_", "_")
        line = line.replace("\\$", "$").replace("\\.", ".").replace("\\-", "-")
        out.append(line.rstrip())
    if table:
        out.extend(vote_table(table))
    text = "\n".join(out)
    text = re.sub(r"\n{3,}", "\n\n", text).strip("\n") + "\n"
    # The converter of the Limerick minutes opens and closes the document with a bare "---".
    text = re.sub(r"^---\n", "", text.lstrip("\n"))
    text = re.sub(r"\n---\n*$", "\n", text)
    # A page break in converted PDFs: a "---" line (the next page's number usually follows).
    pages = re.split(r"\n---\n", text)
    return [p.strip("\n") + "\n" for p in pages]


def main():
    src, out_dir = Path(sys.argv[1]), Path(sys.argv[2])
    out_dir.mkdir(parents=True, exist_ok=True)
    for i, page in enumerate(convert(src.read_text(encoding="utf-8")), start=1):
        (out_dir / f"page-{i}.txt").write_text(page, encoding="utf-8")


if __name__ == "__main__":
    main()
