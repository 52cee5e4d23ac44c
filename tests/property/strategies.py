"""Text people type in Vietnamese: letters with every tone mark, digits, spaces and punctuation."""

from __future__ import annotations

from hypothesis import strategies as st

VIETNAMESE_LETTERS = "aàáảãạăằắẳẵặâầấẩẫậbcdđeèéẻẽẹêềếểễệghiìíỉĩịklmnoòóỏõọôồốổỗộơờớởỡợpqrstuùúủũụưừứửữựvxyỳýỷỹỵ"
LETTERS = VIETNAMESE_LETTERS + VIETNAMESE_LETTERS.upper()
PUNCTUATION = " .,;:()\"'–-/&@<>!?"

vietnamese_words = st.text(alphabet=LETTERS, min_size=1, max_size=12)
vietnamese_text = st.text(alphabet=LETTERS + PUNCTUATION + "0123456789", min_size=1, max_size=120).filter(
    lambda text: text.strip() != ""
)
vietnamese_names = st.lists(vietnamese_words, min_size=1, max_size=6).map(" ".join)
