"""Write evals/datasets/licenses_dev.jsonl: questions on five other license texts.

A development set of the same kind as the held-out `licenses` set, on other
texts (Debian's copies of the Artistic License, CC0 1.0, GPL-2, LGPL-2.1 and
MPL-1.1, in evals/datasets/licenses_dev_corpus/), so that a design meant for
collections of another kind than news can be judged in-sample first. It is
never fitted on; designs are chosen on it, so its figures are in-sample.
The questions were asked of these texts by hand in earlier sessions (one
that the held-out set also asks, of another text, is left out); each
answerable one names its file, its answer and an anchor copied verbatim from
the text, located on disk as in `build_license_set`.
Run: python -m evals.tools.build_license_dev_set
"""

from __future__ import annotations

import json
from pathlib import Path

from evals.dataset import LICENSES_DEV_CORPUS, LICENSES_DEV_DATASET
from evals.tools.build_license_set import evidence_lines

# (file, question, answer, anchor)
ANSWERABLE = [
    ("artistic.txt", "What does Standard Version mean?", "has not been modified",
     '"Standard Version" refers to such a Package if it has not been modified'),
    ("artistic.txt", "Who is the Copyright Holder?", "whoever is named in the copyright",
     '"Copyright Holder" is whoever is named in the copyright'),
    ("artistic.txt", "Can I charge a fee for copying the Package?", "reasonable copying fee",
     "You may charge a reasonable copying fee for any distribution"),
    ("artistic.txt", "Can I sell this Package?", "may not charge a fee for this Package itself",
     "You may not charge a fee for this Package itself"),
    ("artistic.txt", "What is a reasonable copying fee?", "whatever you can justify",
     '"Reasonable copying fee" is whatever you can justify'),
    ("artistic.txt", "can the copyright holder's name be used to promote products made from it",
     "may not be used to endorse or promote",
     "The name of the Copyright Holder may not be used to endorse or promote"),
    ("artistic.txt", "Is bundling the package in a commercial distribution allowed?",
     "always permitted",
     "Aggregation of this Package with a commercial distribution is always permitted"),
    ("cc0-1.0.txt", "What does CC0 do with my rights?", "waives, abandons, and surrenders",
     "irrevocably and unconditionally waives, abandons, and surrenders all of"),
    ("cc0-1.0.txt", "Does CC0 waive patent rights?", "No trademark or patent rights",
     "No trademark or patent rights held by Affirmer are waived"),
    ("cc0-1.0.txt", "Does CC0 affect trademark rights?", "No trademark or patent rights",
     "No trademark or patent rights held by Affirmer are waived"),
    ("cc0-1.0.txt", "What happens if the waiver is invalid?", "preserved to the maximum extent",
     "Waiver shall be preserved to the maximum extent permitted"),
    ("cc0-1.0.txt", "Whose are the moral rights?", "retained by the original author",
     "moral rights retained by the original author(s) and/or performer(s)"),
    ("lgpl-2.1.txt", "What is a library?", "a collection of software functions",
     'A "library" means a collection of software functions'),
    ("lgpl-2.1.txt", "What is a work that uses the library?",
     "designed to work with the Library by being compiled or linked with it",
     "but is designed to work with the Library by being compiled or linked with it, "
     'is called a "work that uses the Library"'),
    ("lgpl-2.1.txt", "Can I change the license of an LGPL library to GPL?",
     "opt to apply the terms of the ordinary GNU General Public",
     "You may opt to apply the terms of the ordinary GNU General Public"),
    ("lgpl-2.1.txt", "Do I have to provide source code for the library?",
     "complete corresponding machine-readable source code",
     "it with the complete corresponding machine-readable source code"),
    ("lgpl-2.1.txt", "What is the Lesser GPL for?", "specially designated software packages",
     "applies to some specially designated software packages--typically libraries"),
    ("gpl-2.0.txt", "How long must the written offer for source be valid?",
     "at least three years", "written offer, valid for at least three years"),
    ("gpl-2.0.txt", "Can I charge for distributing GPL software?",
     "charge a fee for the physical act of transferring a copy",
     "You may charge a fee for the physical act of transferring a copy"),
    ("gpl-2.0.txt", "What if a court imposes conditions that contradict the license?",
     "they do not excuse you from the conditions of this License",
     "they do not excuse you from the conditions of this License"),
    ("gpl-2.0.txt", "Is there a warranty?", "THERE IS NO WARRANTY FOR THE PROGRAM",
     "THERE IS NO WARRANTY FOR THE PROGRAM"),
    ("gpl-2.0.txt", "Who pays for repairs if the program is defective?",
     "YOU ASSUME THE COST OF ALL NECESSARY SERVICING",
     "YOU ASSUME THE COST OF ALL NECESSARY SERVICING"),
    ("gpl-2.0.txt", "Can I add geographic distribution limitations?",
     "explicit geographical distribution limitation",
     "may add an explicit geographical distribution limitation"),
    ("gpl-2.0.txt", "What happens if I violate the license?", "automatically terminate your rights",
     "will automatically terminate your rights under this License"),
    ("gpl-2.0.txt", "Does accepting the license require signing it?",
     "not required to accept this License, since you have not signed it",
     "You are not required to accept this License, since you have not signed it"),
    ("gpl-2.0.txt", "What is the source code of a work?",
     "preferred form of the work for making modifications",
     "The source code for a work means the preferred form of the work for making modifications"),
    ("gpl-2.0.txt", "What must a modified program print when run interactively?",
     "announcement including an appropriate copyright notice",
     "announcement including an appropriate copyright notice"),
    ("gpl-2.0.txt", "Can I distribute the program in object code form?",
     "in object code or executable form",
     "You may copy and distribute the Program (or a work based on it, under Section 2) "
     "in object code or executable form"),
    ("mpl-1.1.txt", "What is an Executable?", "Covered Code in any form other than Source Code",
     '"Executable" means Covered Code in any form other than Source Code'),
    ("mpl-1.1.txt", "What is a Modification under MPL?",
     "any addition to or deletion from the substance or structure",
     '"Modifications" means any addition to or deletion from the substance or structure'),
    ("mpl-1.1.txt", "What must I do when I distribute modified files under MPL?",
     "a file documenting the changes You made",
     "You must cause all Covered Code to which You contribute to contain a file documenting "
     "the changes You made"),
    ("mpl-1.1.txt", "How long must source code remain available under MPL?",
     "at least twelve (12) months", "must remain available for at least twelve (12) months"),
    ("mpl-1.1.txt", "What is the Initial Developer?", "the individual or entity identified",
     '"Initial Developer" means the individual or entity identified as the Initial Developer'),
    ("mpl-1.1.txt", "Which court handles disputes under MPL?",
     "Federal Courts of the Northern District of California",
     "subject to the jurisdiction of the Federal Courts of the Northern District of California"),
    ("mpl-1.1.txt", "What law governs the MPL?", "California law",
     "This License shall be governed by California law"),
    ("mpl-1.1.txt", "Can Netscape publish new versions of the license?",
     "may publish revised and/or new versions",
     'Netscape Communications Corporation ("Netscape") may publish revised and/or new versions'),
    ("mpl-1.1.txt", "Can the license be revised?", "may publish revised and/or new versions",
     'Netscape Communications Corporation ("Netscape") may publish revised and/or new versions'),
    ("mpl-1.1.txt", "Who is Netscape?", "Netscape Communications Corporation",
     'Netscape Communications Corporation ("Netscape") may publish revised and/or new versions'),
    ("mpl-1.1.txt", "What happens to my rights if I sue a contributor for patent infringement?",
     "terminate prospectively", "upon 60 days notice from Participant terminate prospectively"),
    ("mpl-1.1.txt", "What is the Source Code under MPL?",
     "the preferred form of the Covered Code for making modifications",
     '"Source Code" means the preferred form of the Covered Code for making modifications'),
]

# Questions people ask of licenses that none of these five texts answers.
UNANSWERABLE = [
    "Which version of Python does this package require?",
    "How much does a commercial license cost?",
    "Who founded the Free Software Foundation?",
    "What is the fine in dollars for breaking the license?",
    "Can I use the software to train machine learning models?",
    "Which countries ban encryption software?",
    "How many contributors signed the MPL?",
    "What email address should I send bug reports to?",
    "Which court handles disputes under CC0?",
    "What programming language must the software be written in?",
    "How many computers may I install the library on?",
    "Which operating systems does the library support?",
    "What was the first open source license?",
    "How do I apply for an export license?",
    "When does the Artistic License expire?",
    "Who is the current maintainer of the LGPL?",
]


def main() -> None:
    records = []
    for number, (file, question, answer, anchor) in enumerate(ANSWERABLE, 1):
        text = (LICENSES_DEV_CORPUS / file).read_text(encoding="utf-8")
        line_start, line_end = evidence_lines(text, anchor, answer)
        records.append({"id": f"license-dev-a{number:02d}", "question": question,
                        "answers": [answer], "evidence": [{"file": file, "line_start": line_start,
                                                           "line_end": line_end}],
                        "unanswerable": False})
    for number, question in enumerate(UNANSWERABLE, 1):
        records.append({"id": f"license-dev-u{number:02d}", "question": question, "answers": [],
                        "evidence": [], "unanswerable": True})
    Path(LICENSES_DEV_DATASET).write_text(
        "".join(json.dumps(record, ensure_ascii=False) + "\n" for record in records),
        encoding="utf-8")
    print(f"wrote {len(records)} questions ({len(UNANSWERABLE)} unanswerable) "
          f"to {LICENSES_DEV_DATASET}")


if __name__ == "__main__":
    main()
