"""Write evals/datasets/licenses.jsonl from the questions below.

Each answerable question names its file, its answer and an anchor: a phrase
copied verbatim from the license text that holds the answer. The evidence
lines are where the anchor stands in the file as it is on disk, found here
rather than typed by hand; an anchor that is missing, ambiguous or does not
hold the answer stops the script. Run: python -m evals.tools.build_license_set
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from evals.dataset import LICENSES_CORPUS, LICENSES_DATASET

# (file, question, answer, anchor)
ANSWERABLE = [
    ("mit.txt", "What does the MIT license require to be included in all copies of the software?",
     "copyright notice", "The above copyright notice and this permission notice shall be included in all copies"),
    ("mit.txt", "How is MIT licensed software provided?", "AS IS", 'THE SOFTWARE IS PROVIDED "AS IS"'),
    ("mit.txt", "What does permission under the MIT license cost?", "free of charge",
     "Permission is hereby granted, free of charge"),
    ("mit.txt", "can i sell copies of mit licensed software", "sell copies",
     "distribute, sublicense, and/or sell copies of the Software"),
    ("bsd-3-clause.txt", "Can the name of the University be used to promote products derived from the software?",
     "prior written permission", "without specific prior written permission"),
    ("bsd-3-clause.txt", "what must binary redistributions reproduce",
     "reproduce the above copyright", "Redistributions in binary form must reproduce the above copyright"),
    ("bsd-3-clause.txt", "Who holds the copyright of the BSD license text?",
     "Regents of the University of California", "Copyright (c) The Regents of the University of California."),
    ("apache-2.0.txt", "When was version 2.0 of the Apache License published?", "January 2004",
     "Version 2.0, January 2004"),
    ("apache-2.0.txt", "What ownership share of an entity counts as control?", "fifty percent",
     "fifty percent (50%) or more of the"),
    ("apache-2.0.txt", "What is the Source form of a work?", "preferred form for making modifications",
     "shall mean the preferred form for making modifications"),
    ("apache-2.0.txt", "How can a copyright owner mark a communication so it is not a contribution?",
     "Not a Contribution", 'designated in writing by the copyright owner as "Not a Contribution."'),
    ("apache-2.0.txt", "how long does the apache copyright license last", "perpetual",
     "this License, each Contributor hereby grants to You a perpetual, worldwide, non-exclusive, "
     "no-charge, royalty-free, irrevocable copyright license"),
    ("apache-2.0.txt", "When do my patent licenses end if I sue someone claiming the Work infringes a patent?",
     "as of the date such litigation is filed", "as of the date such litigation is filed"),
    ("apache-2.0.txt", "What must I give other recipients when I redistribute the Work?",
     "a copy of this License", "Derivative Works a copy of this License"),
    ("apache-2.0.txt", "What must modified files carry?", "prominent notices",
     "modified files to carry prominent notices"),
    ("apache-2.0.txt", "Which text file with attribution notices must derivative works keep a readable copy of?",
     "NOTICE", 'If the Work includes a "NOTICE" text file'),
    ("apache-2.0.txt", "Am I allowed to use the licensor's trademarks?",
     "does not grant permission to use the trade", "This License does not grant permission to use the trade"),
    ("apache-2.0.txt", "Who decides whether it is appropriate to redistribute the Work?",
     "solely responsible", "You are solely responsible for determining the"),
    ("apache-2.0.txt", "can i charge for warranty or support when redistributing", "charge a fee",
     "and charge a fee for, acceptance of support, warranty, indemnity"),
    ("apache-2.0.txt", "Under what terms is a contribution I submit licensed, unless I say otherwise?",
     "under the terms and conditions of", "by You to the Licensor shall be under the terms and conditions of"),
    ("apache-2.0.txt", "Where can I get a copy of the Apache License?",
     "http://www.apache.org/licenses/LICENSE-2.0", "http://www.apache.org/licenses/LICENSE-2.0"),
    ("apache-2.0.txt", "What should be replaced in the boilerplate notice of the appendix?",
     "fields enclosed by brackets", 'boilerplate notice, with the fields enclosed by brackets "[]"'),
    ("apache-2.0.txt", "Is a contributor liable for damages from using the Work?",
     "shall any Contributor be", "shall any Contributor be liable to You for damages"),
    ("mpl-2.0.txt", "What is a Larger Work?", "combines Covered Software with other material",
     "means a work that combines Covered Software with other material"),
    ("mpl-2.0.txt", "What is the executable form?", "any form of the work other than Source Code Form",
     "means any form of the work other than Source Code Form"),
    ("mpl-2.0.txt", "Who is the license steward of the Mozilla Public License?", "Mozilla Foundation",
     "Mozilla Foundation is the license steward"),
    ("mpl-2.0.txt", "Where can a lawsuit about the MPL be brought?", "where the defendant maintains its principal",
     "courts of a jurisdiction where the defendant maintains its principal"),
    ("mpl-2.0.txt", "how long does a contributor have to tell me about non-compliance after I fix it",
     "60 days", "non-compliance by some reasonable means prior to 60 days after You have"),
    ("mpl-2.0.txt", "What happens to my rights if I break the terms of the MPL?", "terminate automatically",
     "The rights granted under this License will terminate automatically"),
    ("mpl-2.0.txt", "Which notice must be attached to source code that is incompatible with secondary licenses?",
     "Exhibit B", "the notice described in Exhibit B of this License must be attached"),
    ("mpl-2.0.txt", "Can I remove copyright notices from MPL source code?", "may not remove or alter the substance",
     "You may not remove or alter the substance of any license notices"),
    ("mpl-2.0.txt", "What if a court order makes it impossible to comply with the license?",
     "maximum extent possible", "the terms of this License to the maximum extent possible"),
    ("mpl-2.0.txt", "Where must the description of the limitations be placed?", "in a text file",
     "be placed in a text file included with all distributions of the Covered"),
    ("mpl-2.0.txt", "can i make my own license based on the mpl", "rename the license",
     "modified version of this License if you rename the license and remove"),
    ("mpl-2.0.txt", "Who pays for repairs if the covered software turns out to be defective?", "assume the cost",
     "(not any Contributor) assume the cost of any necessary servicing"),
    ("mpl-2.0.txt", "What happens to a provision of the license that a court finds unenforceable?",
     "reformed only to the extent", "such provision shall be reformed only to the extent"),
    ("mpl-2.0.txt", "Can I distribute covered software under a newer version of the license?",
     "any subsequent version", "or under the terms of any subsequent version published by the license"),
    ("mpl-2.0.txt", "Which notice goes in source files?", "Mozilla Public",
     "This Source Code Form is subject to the terms of the Mozilla Public"),
    ("gpl-3.0.txt", "When was version 3 of the GPL released?", "29 June 2007", "Version 3, 29 June 2007"),
    ("gpl-3.0.txt", "may i change the text of the gpl itself", "changing it is not allowed",
     "changing it is not allowed"),
    ("gpl-3.0.txt", "When the GPL speaks of free software, what does free refer to?", "freedom",
     "we are referring to freedom, not price"),
    ("gpl-3.0.txt", "How long must a written offer of the source code stay valid?", "at least three years",
     "valid for at least three years"),
    ("gpl-3.0.txt", "Which treaty does the license mention about technological measures?", "WIPO copyright treaty",
     "WIPO copyright treaty adopted on 20 December 1996"),
    ("gpl-3.0.txt", "What is a covered work?", "either the unmodified Program or a work based",
     '"covered work" means either the unmodified Program or a work based'),
    ("gpl-3.0.txt", "What does it mean to convey a work?", "enables other parties to make or receive copies",
     'To "convey" a work means any kind of propagation that enables other parties to make or receive copies'),
    ("gpl-3.0.txt", "Which other license may a GPL work be linked or combined with under section 13?",
     "GNU Affero General Public License", "version 3 of the GNU Affero General Public License into a single"),
    ("gpl-3.0.txt", "Is there a warranty for a GPL program?", "NO WARRANTY",
     "THERE IS NO WARRANTY FOR THE PROGRAM"),
    ("gpl-3.0.txt", "What is installation information for a user product?", "required to install",
     "procedures, authorization keys, or other information required to install"),
    ("gpl-3.0.txt", "Who can publish new versions of the GPL?", "Free Software Foundation may publish",
     "The Free Software Foundation may publish revised and/or new versions"),
    ("gpl-3.0.txt", "Which license should a subroutine library use to allow linking with proprietary applications?",
     "Lesser General", "use the GNU Lesser General"),
    ("gpl-3.0.txt", "how much can i charge for copies of gpl software", "any price or no price",
     "You may charge any price or no price for each copy that you convey"),
    ("gpl-3.0.txt", "Does putting a GPL program in an aggregate put the other parts under the GPL?",
     "does not cause this License to apply", "in an aggregate does not cause this License to apply to the other"),
]

# Questions these license texts do not answer: near the topic, or far from it.
UNANSWERABLE = [
    "Who founded the Apache Software Foundation?",
    "In what year was the MIT license first written?",
    "What is the maximum fine for violating the GPL?",
    "Which programming languages does the GPL forbid?",
    "Who is the current president of the Free Software Foundation?",
    "How much does Mozilla charge for a commercial license?",
    "What is the capital of Australia?",
    "How do I bake sourdough bread?",
    "Which version of Python does the software need?",
    "What email address should license violations be reported to?",
    "How many companies use the Apache License?",
    "What is the penalty in euros for removing a copyright notice?",
    "Which country's law governs the MIT license?",
    "Who won the Turing Award in 2020?",
    "How many lines of code may I copy without attribution?",
    "Which court in California handles BSD license disputes?",
    "What is the GPL's policy on cryptocurrency mining?",
    "How do I reset my router password?",
]


def evidence_lines(text: str, anchor: str, answer: str) -> tuple[int, int]:
    """1-based first and last line of the anchor's one occurrence in `text`."""
    pattern = r"\s+".join(re.escape(word) for word in anchor.split())
    matches = list(re.finditer(pattern, text))
    if len(matches) != 1:
        raise SystemExit(f"anchor found {len(matches)} times: {anchor!r}")
    if " ".join(answer.split()) not in " ".join(matches[0].group(0).split()):
        raise SystemExit(f"anchor {anchor!r} does not hold the answer {answer!r}")
    start, end = matches[0].span()
    return text.count("\n", 0, start) + 1, text.count("\n", 0, end) + 1


def main() -> None:
    records = []
    for number, (file, question, answer, anchor) in enumerate(ANSWERABLE, 1):
        text = (LICENSES_CORPUS / file).read_text(encoding="utf-8")
        line_start, line_end = evidence_lines(text, anchor, answer)
        records.append({"id": f"license-a{number:02d}", "question": question, "answers": [answer],
                         "evidence": [{"file": file, "line_start": line_start,
                                       "line_end": line_end}], "unanswerable": False})
    for number, question in enumerate(UNANSWERABLE, 1):
        records.append({"id": f"license-u{number:02d}", "question": question, "answers": [],
                        "evidence": [], "unanswerable": True})
    Path(LICENSES_DATASET).write_text("".join(json.dumps(record, ensure_ascii=False) + "\n"
                                              for record in records), encoding="utf-8")
    print(f"wrote {len(records)} questions ({len(UNANSWERABLE)} unanswerable) to {LICENSES_DATASET}")


if __name__ == "__main__":
    main()
