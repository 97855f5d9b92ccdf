"""Benchmark: re-indexing after one file of many changed, against a full build.

    python benchmarks/incremental_index.py [--files 1000]

Builds a corpus of FILES small articles (sentences of the bundled sample
articles, shuffled with a fixed seed), indexes it from scratch, changes one
file, and indexes again. Prints seconds for each and the ratio; the target
is an update under 5% of a full build. Numbers, not a pass/fail test: this
machine is shared, so compare ratios from one run.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rag.assistant import Assistant  # noqa: E402
from rag.sentences import split_sentences  # noqa: E402
from rag.settings import SAMPLE_CORPUS_DIR, Settings  # noqa: E402


def make_corpus(folder: Path, files: int, seed: int = 7) -> None:
    sentences = [sentence.text for path in sorted(SAMPLE_CORPUS_DIR.glob("*.txt"))
                 for sentence in split_sentences(path.read_text(encoding="utf-8"), path.name)
                 if not sentence.is_furniture]
    rng = random.Random(seed)
    for number in range(files):
        picked = rng.sample(sentences, 12)
        paragraphs = [" ".join(picked[start:start + 4]) for start in range(0, 12, 4)]
        (folder / f"article_{number:04d}.txt").write_text(
            f"Article {number}\n\n" + "\n\n".join(paragraphs) + "\n", encoding="utf-8")


def timed(assistant: Assistant, corpus: Path, **options):
    started = time.perf_counter()
    report = assistant.index([corpus], **options)
    return time.perf_counter() - started, report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        corpus, index_dir = Path(scratch) / "corpus", Path(scratch) / "index"
        corpus.mkdir()
        make_corpus(corpus, args.files)
        assistant = Assistant(Settings(index_dir=index_dir), notify=lambda message: None)
        assistant.embedder  # load the model outside the timings
        full, report = timed(assistant, corpus)
        print(f"full build:       {full:8.2f} s  ({report.files} files, {report.chunks} chunks)")
        unchanged, _ = timed(assistant, corpus)
        print(f"nothing changed:  {unchanged:8.2f} s  ({unchanged / full:.1%} of full)")
        target = corpus / "article_0500.txt" if args.files > 500 else corpus / "article_0000.txt"
        with open(target, "a", encoding="utf-8") as handle:
            handle.write("\nA sentence added to one file so that it must be embedded again.\n")
        one, report = timed(assistant, corpus)
        print(f"one file changed: {one:8.2f} s  ({one / full:.1%} of full; "
              f"changed={report.changed})")
        rebuilt, _ = timed(assistant, corpus, rebuild=True)
        print(f"--rebuild:        {rebuilt:8.2f} s")


if __name__ == "__main__":
    main()
