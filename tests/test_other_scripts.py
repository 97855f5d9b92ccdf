"""Text in scripts other than Latin is read, split and searched as text.

The embedding model is English; a folder may still hold an article in
Russian, Chinese or Korean. Such text must be split into its sentences with
their own lines (Chinese and Japanese write no space after a stop; Korean
and Arabic have no capitals to open a sentence), never taken for page
furniture, and found by its words."""

from __future__ import annotations

import pytest

from rag.keyword import tokenize
from rag.sentences import split_sentences

from .conftest import make_assistant
from .test_sentences import assert_lines_hold

# Facts any encyclopedia states, written here in each language.
TEXTS = {
    "ja.txt": "東京は日本の首都です。人口は約1400万人です。\n東京タワーは1958年に完成しました。\n",
    "zh.txt": "北京是中国的首都。\n故宫建于1406年，是明朝和清朝的皇宫。\n长城全长两万多公里。\n",
    "ko.txt": "서울은 대한민국의 수도입니다. 한강은 서울을 가로지르는 강입니다.\n",
    "ar.txt": "القاهرة هي عاصمة مصر. يبلغ طول نهر النيل حوالي 6650 كيلومترا.\n",
    "ru.txt": "Москва является столицей России.\nКремль был построен в XV веке.\n",
}


@pytest.mark.parametrize("name", sorted(TEXTS))
def test_each_sentence_of_another_script_has_its_own_lines_and_is_prose(name):
    text = TEXTS[name]
    sentences = split_sentences(text, name)
    stops = sum(text.count(stop) for stop in "。.")
    assert len(sentences) == stops  # one sentence per stop, two on a line apart
    for sentence in sentences:
        assert not sentence.is_furniture, sentence
        assert_lines_hold(text, sentence)


def test_a_japanese_sentence_on_a_line_of_its_own_is_cited_by_that_line():
    sentences = split_sentences(TEXTS["ja.txt"], "ja.txt")
    tower = next(sentence for sentence in sentences if "タワー" in sentence.text)
    assert (tower.line_start, tower.line_end) == (2, 2)
    assert tower.text == "東京タワーは1958年に完成しました。"


def test_words_of_other_scripts_are_keyword_tokens():
    """Cyrillic and Greek words are tokens; Chinese, Japanese and Korean,
    written without spaces or with endings joined on, are read as pairs of
    letters, so a word is found inside its sentence. Latin letters that do
    not decompose keep their place ("Łódź", not "odz")."""
    assert tokenize("Кремль был построен") == ["кремль", "был", "построен"]
    assert "αθηνα" in tokenize("Η Αθήνα είναι")
    assert {"长城", "城墙"} <= set(tokenize("长城是世界上最长的城墙"))
    assert set(tokenize("长城")) <= set(tokenize("长城是世界上最长的城墙"))
    assert "서울" in tokenize("서울은 대한민국의 수도입니다")
    assert tokenize("Łódź Æsir") == ["lodz", "aesir"]


def test_a_question_in_another_script_is_answered_from_its_line(tmp_path):
    corpus = tmp_path / "docs"
    corpus.mkdir()
    for name, text in TEXTS.items():
        (corpus / name).write_text(text, encoding="utf-8")
    assistant = make_assistant(tmp_path / "index")
    report = assistant.index([corpus])
    assert not report.skipped  # no article is taken for page furniture
    answer = assistant.ask("Когда был построен Кремль?")
    assert not answer.abstained
    assert [(citation.file, citation.line_start, citation.line_end)
            for citation in answer.citations] == [("ru.txt", 2, 2)]
    answer = assistant.ask("서울은 어느 나라의 수도입니까?")
    cited = [(citation.file, citation.line_start) for citation in answer.citations]
    assert cited == [("ko.txt", 1)]
