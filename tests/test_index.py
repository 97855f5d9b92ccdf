"""The index folder: save, load, manifest, refusals, damage, incremental updates."""

import json
import shutil

import numpy as np
import pytest

from rag.indexer import IndexBusy, NothingIndexed, build_index, index_lock
from rag.settings import Settings
from rag.store import FORMAT_VERSION, IndexError_, current_generation, load_index

from .conftest import SAMPLE_FILES, make_assistant


def test_saved_index_loads_with_manifest_and_matching_tables(sample_index, embedder):
    data = load_index(sample_index, embedder.model_id)
    manifest = data.manifest
    assert manifest["format_version"] == FORMAT_VERSION
    assert manifest["model"] == "sentence-transformers/all-MiniLM-L6-v2"
    assert manifest["dimension"] == 384 == data.sentence_vectors.shape[1]
    assert manifest["chunking"]["chunk_tokens"] == 120
    assert sorted(manifest["files"]) == [path.name for path in SAMPLE_FILES]
    for path in SAMPLE_FILES:
        import hashlib

        assert manifest["files"][path.name]["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert len(data.sentences) == data.vector_index.ntotal == len(data.sentence_vectors)
    # Stored vectors are the model's normalized embeddings of the sentence text.
    again = embedder.encode_documents([data.sentences[3].text])[0]
    assert np.allclose(again, data.sentence_vectors[3], atol=1e-5)
    assert np.allclose(np.linalg.norm(data.sentence_vectors, axis=1), 1.0, atol=1e-4)


def test_faiss_search_agrees_with_exact_numpy_search(sample_index, embedder):
    data = load_index(sample_index, embedder.model_id)
    query = embedder.encode_query("Which jets did Turkey consider buying from Russia?")
    scores, ids = data.vector_index.search(query.reshape(1, -1), 10)
    exact = data.sentence_vectors @ query
    assert list(ids[0]) == list(np.argsort(-exact)[:10])
    assert np.allclose(scores[0], np.sort(exact)[::-1][:10], atol=1e-5)


def test_index_of_another_model_is_refused_with_what_to_run(sample_index):
    with pytest.raises(IndexError_, match="rag index --rebuild") as error:
        make_assistant(sample_index, model="some/other-model").data()
    assert "all-MiniLM-L6-v2" in str(error.value)


def copy_index(source, target):
    shutil.copytree(source, target)
    return target


def test_other_format_version_is_refused(sample_index, tmp_path, embedder):
    index_dir = copy_index(sample_index, tmp_path / "index")
    manifest_path = index_dir / current_generation(index_dir) / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    manifest["format_version"] = 999
    manifest_path.write_text(json.dumps(manifest))
    with pytest.raises(IndexError_, match="format 999.*rag index --rebuild"):
        load_index(index_dir, embedder.model_id)


@pytest.mark.parametrize("victim", ["vectors.faiss", "chunks.jsonl", "sentences.jsonl",
                                    "sentence_vectors.npy"])
def test_truncated_or_altered_files_give_a_clear_error(sample_index, tmp_path, embedder, victim):
    index_dir = copy_index(sample_index, tmp_path / "index")
    path = index_dir / current_generation(index_dir) / victim
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(IndexError_, match="damaged.*rag index --rebuild"):
        load_index(index_dir, embedder.model_id)


@pytest.mark.parametrize("pointer,manifest", [("", None), ("../../etc", None),
                                              (None, "[]"), (None, "{")])
def test_a_garbled_pointer_or_manifest_is_damage_not_a_missing_index(
        sample_index, tmp_path, embedder, pointer, manifest):
    """An empty CURRENT once read as "no index", and the first question then
    indexed the sample articles over the user's own; a manifest that is JSON
    but no object raised AttributeError."""
    index_dir = copy_index(sample_index, tmp_path / "index")
    if manifest is not None:
        (index_dir / current_generation(index_dir) / "manifest.json").write_text(manifest)
    if pointer is not None:
        (index_dir / "CURRENT").write_text(pointer)
    with pytest.raises(IndexError_, match="damaged.*rag index --rebuild"):
        load_index(index_dir, embedder.model_id)
    assistant = make_assistant(index_dir)
    assert assistant.ensure_index() is None  # not indexed over with the sample articles
    with pytest.raises(IndexError_, match="damaged"):
        assistant.ask("Where was the second batch delivered?")


def test_plain_index_run_over_a_damaged_index_embeds_everything_again(sample_index,
                                                                       sample_corpus, tmp_path,
                                                                       embedder):
    index_dir = copy_index(sample_index, tmp_path / "index")
    path = index_dir / current_generation(index_dir) / "chunks.jsonl"
    path.write_bytes(path.read_bytes()[:100])
    report = build_index([sample_corpus], Settings(index_dir=index_dir),
                         notify=lambda message: None, embedder=embedder)
    assert len(report.added) == 5 and not report.unchanged
    assert len(load_index(index_dir, embedder.model_id).chunks) == report.chunks


def test_missing_index_says_to_index(tmp_path):
    with pytest.raises(IndexError_, match="no index"):
        make_assistant(tmp_path / "none").data()


def test_incremental_update_embeds_only_what_changed(sample_corpus, tmp_path, embedder):
    corpus = tmp_path / "corpus"
    shutil.copytree(sample_corpus, corpus)
    settings = Settings(index_dir=tmp_path / "index")
    first = build_index([corpus], settings, notify=lambda message: None, embedder=embedder)
    assert len(first.added) == 5
    (corpus / "004_333ae619c2337046.txt").unlink()
    with open(corpus / "000_e55826f93595c402.txt", "a", encoding="utf-8") as handle:
        handle.write("\nA new closing sentence about the Bosphorus bridge.\n")
    (corpus / "new.md").write_text("# Notes\n\nThe Bosphorus ferry leaves at noon.\n")
    second = build_index([corpus], settings, notify=lambda message: None, embedder=embedder)
    assert second.added == ["new.md"]
    assert second.changed == ["000_e55826f93595c402.txt"]
    assert second.removed == ["004_333ae619c2337046.txt"]
    assert len(second.unchanged) == 3
    data = load_index(settings.index_dir, embedder.model_id)
    assert "004_333ae619c2337046.txt" not in data.manifest["files"]
    # Carried-over vectors still belong to their sentences.
    for sentence_id in (0, len(data.sentences) // 2, len(data.sentences) - 1):
        fresh = embedder.encode_documents([data.sentences[sentence_id].text])[0]
        assert np.allclose(fresh, data.sentence_vectors[sentence_id], atol=1e-5)
    answer = make_assistant(settings.index_dir).ask("When does the Bosphorus ferry leave?")
    assert answer.citations[0].file == "new.md" and "noon" in answer.text


def test_a_moved_renamed_or_copied_file_is_not_embedded_again(sample_corpus, tmp_path,
                                                             embedder, monkeypatch):
    """A file moved into a subfolder, a renamed one and a copy hold text the
    index already has: their sentences are split and cited under their new
    names, with the vectors the index holds, and nothing is embedded; a file
    whose text is new is."""
    corpus = tmp_path / "corpus"
    shutil.copytree(sample_corpus, corpus)
    settings = Settings(index_dir=tmp_path / "index")
    quiet = dict(notify=lambda message: None, embedder=embedder)
    build_index([corpus], settings, **quiet)
    (corpus / "2019").mkdir()
    (corpus / "001_b4f6f2b0e5c1da68.txt").rename(corpus / "2019" / "001_b4f6f2b0e5c1da68.txt")
    (corpus / "004_333ae619c2337046.txt").rename(corpus / "done-deal.txt")
    shutil.copy(corpus / "000_e55826f93595c402.txt", corpus / "copy.txt")
    (corpus / "new.md").write_text("# Notes\n\nThe Bosphorus ferry leaves at noon.\n")
    embedded = []
    real_encode = embedder.encode_documents
    monkeypatch.setattr(embedder, "encode_documents", lambda texts, *args, **kwargs: (
        embedded.extend(texts), real_encode(texts, *args, **kwargs))[1])

    report = build_index([corpus], settings, **quiet)
    moved = ["2019/001_b4f6f2b0e5c1da68.txt", "copy.txt", "done-deal.txt"]
    assert sorted(report.reused) == moved
    assert sorted(report.added) == sorted(moved + ["new.md"])
    assert "3 moved or copied, not embedded again" in report.summary()
    assert embedded == ["# Notes", "The Bosphorus ferry leaves at noon."]
    data = load_index(settings.index_dir, embedder.model_id)
    start, end = data.manifest["files"]["done-deal.txt"]["sentences"]
    for sentence_id in (start, end - 1):
        fresh = real_encode([data.sentences[sentence_id].text])[0]
        assert np.allclose(fresh, data.sentence_vectors[sentence_id], atol=1e-5)
    answer = make_assistant(settings.index_dir).ask(
        "Where was the second batch of S-400 air defence systems delivered?")
    first = answer.citations[0]
    assert (first.file, first.line_start, first.line_end) == (
        "2019/001_b4f6f2b0e5c1da68.txt", 122, 124)


def test_an_index_split_by_another_splitter_version_is_embedded_again(tmp_path, embedder,
                                                                     monkeypatch):
    """After an upgrade that splits sentences differently, carrying a file's
    old sentences over would cite lines the new splitter would not: `rag
    index` embeds every file afresh."""
    import rag.indexer

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "club.txt").write_text("The boathouse opens at dawn.\n")
    settings = Settings(index_dir=tmp_path / "index")
    quiet = dict(notify=lambda message: None, embedder=embedder)
    assert build_index([corpus], settings, **quiet).added == ["club.txt"]
    assert build_index([corpus], settings, **quiet).unchanged == ["club.txt"]
    monkeypatch.setattr(rag.indexer, "SPLITTER_VERSION", rag.indexer.SPLITTER_VERSION + 1)
    again = build_index([corpus], settings, **quiet)
    assert again.unchanged == [] and "club.txt" in again.added + again.changed


def test_large_index_takes_the_approximate_memory_mapped_path(sample_corpus, tmp_path,
                                                               embedder, monkeypatch):
    # The path a collection past EXACT_LIMIT sentences takes, on a small one.
    from rag import store

    monkeypatch.setattr(store, "EXACT_LIMIT", 20)
    corpus = tmp_path / "corpus"
    shutil.copytree(sample_corpus, corpus)
    settings = Settings(index_dir=tmp_path / "index")
    build_index([corpus], settings, notify=lambda message: None, embedder=embedder)
    data = load_index(settings.index_dir, embedder.model_id, embedder.encoder_id)
    assert data.manifest["vector_index"]["kind"] == "ivf-sq8"
    assert isinstance(data.sentence_vectors, np.memmap)
    query = embedder.encode_query("Which Russian fighter jets did Turkey look at?")
    _, ids = data.vector_index.search(query.reshape(1, -1), 5)
    exact = np.argsort(-(data.sentence_vectors @ query))[:5]
    assert ids[0][0] == exact[0] and len(set(ids[0]) & set(exact)) >= 4
    # An update still embeds only the changed file and stays crash-safe.
    with open(corpus / "000_e55826f93595c402.txt", "a", encoding="utf-8") as handle:
        handle.write("\nThe Bosphorus ferry leaves at noon.\n")
    report = build_index([corpus], settings, notify=lambda message: None, embedder=embedder)
    assert report.changed == ["000_e55826f93595c402.txt"] and len(report.unchanged) == 4
    answer = make_assistant(settings.index_dir).ask("When does the Bosphorus ferry leave?")
    assert answer.citations[0].file == "000_e55826f93595c402.txt" and "noon" in answer.text


def test_folder_with_nothing_usable_is_an_error(tmp_path, embedder):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "empty.txt").write_text("")
    with pytest.raises(NothingIndexed):
        build_index([tmp_path / "docs"], Settings(index_dir=tmp_path / "index"),
                    notify=lambda message: None, embedder=embedder)
    assert current_generation(tmp_path / "index") is None


def test_second_writer_is_turned_away(tmp_path):
    with index_lock(tmp_path):
        with pytest.raises(IndexBusy, match="another"):
            with index_lock(tmp_path):
                pass


def test_running_reader_picks_up_a_new_index_without_restart(sample_corpus, tmp_path, embedder):
    corpus = tmp_path / "corpus"
    shutil.copytree(sample_corpus, corpus)
    reader = make_assistant(tmp_path / "index")
    reader.index([corpus])
    question = "What colour is the lighthouse at Kumkapi?"
    assert reader.ask(question).abstained
    (corpus / "lighthouse.txt").write_text("The lighthouse at Kumkapi is painted red and white.\n")
    make_assistant(tmp_path / "index").index([corpus])  # another process's writer
    answer = reader.ask(question)
    assert not answer.abstained and answer.citations[0].file == "lighthouse.txt"


def test_a_question_runs_on_one_snapshot_while_the_index_is_replaced(sample_corpus, tmp_path,
                                                                    monkeypatch):
    from rag.retrieval import HybridRetriever

    corpus, smaller = tmp_path / "corpus", tmp_path / "smaller"
    shutil.copytree(sample_corpus, corpus)
    smaller.mkdir()
    shutil.copy(corpus / "000_e55826f93595c402.txt", smaller)
    assistant = make_assistant(tmp_path / "index")
    assistant.index([corpus])
    question = "How much has Turkey paid so far for the F-35?"
    expected = assistant.ask(question)
    assert expected.citations[0].file == "003_7a2e542821ed9fae.txt"

    rank, swaps = HybridRetriever.rank, []

    def rank_while_another_thread_reindexes(self, *args, **kwargs):
        ranking = rank(self, *args, **kwargs)
        if not swaps:  # between ranking and scoring: an upload's reindex lands
            swaps.append(build_index([smaller], assistant.settings, notify=lambda message: None))
            assistant.data()  # e.g. the chat page's status poll loads it
        return ranking

    monkeypatch.setattr(HybridRetriever, "rank", rank_while_another_thread_reindexes)
    answer = assistant.ask(question)
    assert swaps
    assert answer.text == expected.text and answer.citations == expected.citations
    assert answer.retrieved == expected.retrieved
    # The next question sees the new index.
    after = assistant.ask(question)
    assert {item.file for item in after.retrieved} == {"000_e55826f93595c402.txt"}


def test_asking_an_index_read_by_an_older_splitter_says_how_to_refresh_it(
        tmp_path, embedder, monkeypatch):
    """An index that an older version of rag split into sentences still
    answers, with the lines it read, and the user is told once that
    `rag index` would read the files afresh; an index read as this version
    reads says nothing."""
    import rag.indexer as indexer
    from rag.assistant import Assistant

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "ferry.txt").write_text("The harbour ferry leaves at noon every day.\n")
    versions = (("old", indexer.SPLITTER_VERSION - 1), ("new", indexer.SPLITTER_VERSION))
    for name, version in versions:
        monkeypatch.setattr(indexer, "SPLITTER_VERSION", version)
        build_index([corpus], Settings(index_dir=tmp_path / name),
                    notify=lambda message: None, embedder=embedder)
        monkeypatch.undo()
        notes = []
        assistant = Assistant(Settings(index_dir=tmp_path / name), notify=notes.append)
        answer = assistant.ask("When does the harbour ferry leave?")
        assert answer.citations[0].file == "ferry.txt"
        assistant.ask("Which ferry leaves at noon?")
        said = [note for note in notes if "rag index" in note]
        if name == "old":
            assert len(said) == 1 and "sentence_splitter" in said[0]
        else:
            assert said == []


def test_an_upload_to_an_index_an_older_rag_read_keeps_what_it_held(tmp_path, embedder,
                                                                   monkeypatch):
    """The chat page adds an upload to the index. When an older version of
    rag split that index's files, they cannot be carried over as they are:
    they are read again from where they were, with the upload, instead of
    being dropped from the index; a file gone from there is reported."""
    import rag.indexer as indexer

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "ferry.txt").write_text("The harbour ferry leaves at noon every day.\n")
    (corpus / "gone.txt").write_text("The old pier closed in 1990.\n")
    settings = Settings(index_dir=tmp_path / "index")
    monkeypatch.setattr(indexer, "SPLITTER_VERSION", indexer.SPLITTER_VERSION - 1)
    build_index([corpus], settings, notify=lambda message: None, embedder=embedder)
    monkeypatch.undo()
    (corpus / "gone.txt").unlink()
    upload = tmp_path / "upload" / "tram.txt"
    upload.parent.mkdir()
    upload.write_text("The tram runs every ten minutes.\n")
    notes = []
    report = build_index([upload], settings, notify=notes.append, embedder=embedder,
                         add_only=True)
    files = set(load_index(settings.index_dir, embedder.model_id).manifest["files"])
    assert files == {"ferry.txt", "uploads/tram.txt"}
    assert report.removed == ["gone.txt"]
    assert any("reading its 2 files again" in note for note in notes)


def test_reindexing_a_folder_an_older_rag_read_keeps_its_uploads(tmp_path, embedder,
                                                                 monkeypatch):
    """`rag index FOLDER` reads the folder's files afresh when an older rag
    split them; the chat page's uploads, which live in the uploads folder
    and not in FOLDER, are read again too instead of being dropped."""
    import rag.indexer as indexer

    corpus, settings, upload = _folder_and_upload(tmp_path)
    monkeypatch.setattr(indexer, "SPLITTER_VERSION", indexer.SPLITTER_VERSION - 1)
    build_index([corpus], settings, notify=lambda message: None, embedder=embedder)
    build_index([upload], settings, notify=lambda message: None, embedder=embedder,
                add_only=True)
    monkeypatch.undo()
    notes = []
    build_index([corpus], settings, notify=notes.append, embedder=embedder)
    files = set(load_index(settings.index_dir, embedder.model_id).manifest["files"])
    assert files == {"ferry.txt", "uploads/tram.txt"}
    assert any("reading every file afresh" in note for note in notes)
    assert any("reading its 1 uploaded file again" in note for note in notes)


def test_an_upload_to_an_index_of_another_encoder_keeps_what_it_held(tmp_path, embedder,
                                                                     monkeypatch):
    """Vectors of two encoders do not mix, so an index another encoder
    embedded is embedded afresh; an upload to it reads its files again
    from where they were instead of leaving an index of the upload alone."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "ferry.txt").write_text("The harbour ferry leaves at noon every day.\n")
    settings = Settings(index_dir=tmp_path / "index")
    build_index([corpus], settings, notify=lambda message: None, embedder=embedder)
    monkeypatch.setattr(embedder, "encoder_id", embedder.encoder_id + "+another")
    upload = tmp_path / "upload" / "tram.txt"
    upload.parent.mkdir()
    upload.write_text("The tram runs every ten minutes.\n")
    build_index([upload], settings, notify=lambda message: None, embedder=embedder,
                add_only=True)
    data = load_index(settings.index_dir, embedder.model_id, embedder.encoder_id)
    assert set(data.manifest["files"]) == {"ferry.txt", "uploads/tram.txt"}


def test_rebuilding_an_index_keeps_its_uploads(tmp_path, embedder):
    """`rag index --rebuild FOLDER` embeds every file afresh; the chat
    page's uploads, which are not in FOLDER, are embedded afresh too
    instead of being dropped."""
    corpus, settings, upload = _folder_and_upload(tmp_path)
    quiet = dict(notify=lambda message: None, embedder=embedder)
    build_index([corpus], settings, **quiet)
    build_index([upload], settings, add_only=True, **quiet)
    report = build_index([corpus], settings, rebuild=True, **quiet)
    files = set(load_index(settings.index_dir, embedder.model_id).manifest["files"])
    assert files == {"ferry.txt", "uploads/tram.txt"}
    assert sorted(report.added) == ["ferry.txt", "uploads/tram.txt"]


def _folder_and_upload(tmp_path):
    """(a folder of one file, settings of an index beside it, a file in
    that index's uploads folder, as the chat page keeps one)."""
    from rag.uploads import uploads_dir

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "ferry.txt").write_text("The harbour ferry leaves at noon every day.\n")
    settings = Settings(index_dir=tmp_path / "index")
    upload = uploads_dir(settings) / "tram.txt"
    upload.parent.mkdir(parents=True)
    upload.write_text("The tram runs every ten minutes.\n")
    return corpus, settings, upload
