"""Lines under coloured ink read more than once, and the readings combined character by character.

Where a seal or a signature lies over print, no one way of taking the ink off is best everywhere:
dividing the ink out keeps the print under it but leaves traces of the ink's rim, the lightest
channel keeps every stroke of the print but the ink too, erasing the ink outright keeps the print
beside it sharp and loses the print under it. Each covered line is read from each of these
images (the recogniser gives each character its confidence), and the readings vote, character by
character, weighted by that confidence: a character hidden in one reading is seen in the others.
"""

from __future__ import annotations

import difflib
from collections import defaultdict

from nianbao.extract.ocr.engine import Line


def fuse(readings: list[Line]) -> Line:
    """One line from several readings of the same box. The frame is the reading most like the
    others, weighted by its confidence and its length (a character hidden by ink is more often
    skipped than one is made up);
    each position takes the character with the largest summed confidence over the readings
    (dropped when the readings that lack it outweigh all that have one there), and characters
    that readings put between two positions are added when the readings that put some outweigh
    those that put nothing there. A character's confidence is the share of
    the vote it won times its supporters' mean confidence: where the readings disagree, it is
    doubtful."""
    readings = [r for r in readings if r.text]
    if len(readings) < 2:
        return readings[0] if readings else Line("", (0.0, 0.0, 0.0, 0.0), ())
    frame = max(readings, key=lambda r: r.score * len(r.text) * sum(
        difflib.SequenceMatcher(None, r.text, o.text, autojunk=False).ratio() for o in readings))
    n = len(frame.text)
    votes: list[dict[str, list[float]]] = [defaultdict(list) for _ in range(n)]
    where: list[dict[str, float]] = [{} for _ in range(n)]
    added: list[dict[str, float]] = [defaultdict(float) for _ in range(n + 1)]
    added_where: list[dict[str, tuple[float, ...]]] = [{} for _ in range(n + 1)]
    total = sum(r.score for r in readings)
    for reading in readings:
        centres = reading.centres if len(reading.centres) == len(reading.text) else ()
        if reading is frame:
            for i, (char, score) in enumerate(zip(reading.text, reading.scores, strict=True)):
                votes[i][char].append(score)
                if centres:
                    where[i].setdefault(char, centres[i])
            continue
        matcher = difflib.SequenceMatcher(None, frame.text, reading.text, autojunk=False)
        for tag, i0, i1, j0, j1 in matcher.get_opcodes():
            paired = min(i1 - i0, j1 - j0) if tag in ("equal", "replace") else 0
            for k in range(paired):
                char = reading.text[j0 + k]
                votes[i0 + k][char].append(reading.scores[j0 + k])
                if centres:
                    where[i0 + k].setdefault(char, centres[j0 + k])
            for i in range(i0 + paired, i1):  # the frame's characters this reading lacks
                votes[i][""].append(reading.score)
            if j1 - j0 > paired:  # characters only this reading has
                extra = reading.text[j0 + paired:j1]
                extra_scores = reading.scores[j0 + paired:j1]
                added[i0 + paired][extra] += sum(extra_scores) / len(extra_scores)
                if centres:
                    added_where[i0 + paired].setdefault(extra, centres[j0 + paired:j1])
    text: list[str] = []
    scores: list[float] = []
    places: list[float] = []
    located = len(frame.centres) == n
    for i in range(n + 1):
        if added[i]:
            extra, weight = max(added[i].items(), key=lambda kv: kv[1])
            if sum(added[i].values()) > total - sum(added[i].values()):
                text.extend(extra)
                scores.extend([weight / len(readings)] * len(extra))
                spots = added_where[i].get(extra)
                located = located and spots is not None
                places.extend(spots or ())
        if i == n:
            break
        seen = {c: v for c, v in votes[i].items() if c}
        if seen and sum(map(sum, seen.values())) >= sum(votes[i].get("", ())):
            char, support = max(seen.items(), key=lambda kv: sum(kv[1]))
            # the share of the vote it won, times its supporters' mean confidence
            share = sum(support) / sum(sum(v) for v in votes[i].values())
            text.append(char)
            scores.append(share * sum(support) / len(support))
            places.append(where[i].get(char, frame.centres[i] if located else 0.0))
    return Line("".join(text), frame.box, tuple(scores), frame.quad,
                tuple(places) if located and len(places) == len(text) else ())

