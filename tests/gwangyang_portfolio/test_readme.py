"""The README and docs/ stand alone: what they point to is in the repository."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def test_no_page_points_outside_the_repository():
    """Nothing refers to ../shared/ (or any ../ path), which a cloner does not have."""
    for doc in DOCS:
        text = doc.read_text(encoding="utf-8")
        assert "../shared" not in text, doc.name
        assert not re.search(r"[(`\"]\.\./", text), doc.name


def test_every_local_link_and_image_exists():
    """Markdown links, images and <img src> in the README and docs/ name files that exist."""
    checked = 0
    for doc in DOCS:
        text = doc.read_text(encoding="utf-8")
        targets = re.findall(r"\]\(([^)\s]+)\)", text) + re.findall(r'<img src="([^"]+)"', text)
        for target in targets:
            if re.match(r"[a-z]+:|#", target):
                continue
            path = (doc.parent / target.split("#", 1)[0]).resolve()
            assert path.exists(), f"{doc.name}: {target}"
            checked += 1
    assert checked >= 2  # at least the README's two screenshots
