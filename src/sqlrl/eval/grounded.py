"""Schema-grounded decoding: where the SQL needs a table or column, only names of the prompt's database.

`GroundedLogitsProcessor` is a transformers `LogitsProcessor`. For each row of a batch it
finds the database the prompt is about (the rendered schema of a registered example is a
part of the prompt: `SchemaIndex`), follows the SQL the row is writing with
`sqlrl.eval.sqlnames` (which positions need a name, which names fit), and refuses tokens
that would write a name the database does not have. What is constrained and what stays free
is described in `sqlrl.eval.sqlnames`.

It is lazy, so it costs little: a step checks the token the model would pick anyway; only
when that one is refused does it look further down the ranking.
- greedy: the best-ranked token the scanner accepts (top 32, then 128, ... then all);
- sampling: draw as `generate` would (temperature, top-k, top-p, min-p), and if the draw is
  refused, remove that token and draw again. Drawing without the refused tokens until one is
  accepted samples from the model's distribution restricted to accepted tokens (exactly so
  without top-k / top-p; with them the nucleus is taken after the removals). The row's
  scores then keep only the chosen token, so `generate`'s own sampling picks it.
A refused token costs one probe of a few characters; a step where nothing is refused costs
one probe per row.

Where the constraint leaves the model no name it wanted, it can fall into a loop, writing
the same stretch of SQL again and again until the token limit, and a generation batch lasts
as long as its longest row. A row whose last tokens are one block repeated (`looping`) is
ended there: its SQL is broken either way, and the batch goes on without it.

The processor notices a new `generate` call by itself (the ids are not the last call's plus
one token), so one instance serves every batch of an evaluation or a training run.
"""

from __future__ import annotations

import weakref
from collections import Counter
from pathlib import Path

from sqlrl.eval.sqlnames import DbNames, RegionScanner

_TEXTS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
# Characters a token may start with, as the fallback search groups them: ASCII, one letter standing
# for every other non-ASCII character, and the replacement character of a split multi-byte one.
FIRST_CLASSES = tuple(chr(c) for c in range(128)) + ("\u00e9", "\ufffd")
_NAMES: dict[tuple, DbNames] = {}


def token_texts(tokenizer) -> list[str]:
    """The text each token adds when appended to a text ('' for special tokens); once per tokenizer.

    Decoded after an anchor token, so tokenizers that drop a leading space at the start of a
    text (SentencePiece) still give the space a token carries mid-text.
    """
    try:
        return _TEXTS[tokenizer]
    except (KeyError, TypeError):
        pass
    n = len(tokenizer)
    anchor = tokenizer.convert_tokens_to_ids("a")
    if not isinstance(anchor, int) or anchor == tokenizer.unk_token_id:
        anchor = tokenizer("a", add_special_tokens=False)["input_ids"][0]
    base = tokenizer.decode([anchor], clean_up_tokenization_spaces=False)
    both = tokenizer.batch_decode([[anchor, i] for i in range(n)], skip_special_tokens=True,
                                  clean_up_tokenization_spaces=False)
    texts = [t[len(base):] if t.startswith(base) else tokenizer.decode([i], skip_special_tokens=True)
             for i, t in enumerate(both)]
    for i in tokenizer.all_special_ids:
        if i < n:
            texts[i] = ""
    try:
        _TEXTS[tokenizer] = texts
    except TypeError:  # not weak-referenceable: computed again next time
        pass
    return texts


def looping(ids: list, min_tokens: int = 12, repeats: int = 3, max_period: int = 48) -> bool:
    """Whether `ids` ends with one block of tokens written `repeats` times in a row (at least
    `min_tokens` tokens in all, so a block of one token must come 12 times)."""
    n = len(ids)
    for p in range(1, min(max_period, n // repeats) + 1):
        reps = max(repeats, -(-min_tokens // p))
        if reps * p > n:
            continue
        if ids[-1] != ids[-1 - p]:  # cheap first test: the last token repeats p tokens back
            continue
        tail = ids[n - p:]
        if all(ids[n - (k + 1) * p:n - k * p] == tail for k in range(1, reps)):
            return True
    return False


def db_names(db_path) -> DbNames:
    """The names of the database at `db_path`, read once per file version."""
    path = Path(db_path).resolve()
    st = path.stat()
    key = (str(path), st.st_mtime_ns, st.st_size)
    if key not in _NAMES:
        _NAMES[key] = DbNames.from_db(path)
    return _NAMES[key]


class SchemaIndex:
    """Which database a prompt is about: the registered schema text it contains (the longest)."""

    def __init__(self, pairs=()):
        self._paths: dict[str, str] = {}
        for schema, db_path in pairs:
            self.add(schema, db_path)

    @classmethod
    def from_rows(cls, rows) -> SchemaIndex:
        """From dataset rows carrying `schema` (the rendered text in the prompt) and `db_path`."""
        return cls((r["schema"], r["db_path"]) for r in rows if r.get("schema") and r.get("db_path"))

    def add(self, schema: str, db_path) -> None:
        self._paths[schema.strip()] = str(db_path)

    def __len__(self) -> int:
        return len(self._paths)

    def find(self, prompt: str) -> DbNames | None:
        best = max((s for s in self._paths if s in prompt), key=len, default=None)
        if best is None:
            return None
        try:
            return db_names(self._paths[best])
        except Exception:  # a database that cannot be read is not grounded; evaluation reports it
            return None


class _Row:
    __slots__ = ("scan", "ids", "text", "partial", "done")

    def __init__(self, scan):
        self.scan, self.ids, self.text, self.partial, self.done = scan, [], "", False, scan is None


def _processor_base():
    from transformers import LogitsProcessor

    return LogitsProcessor


class GroundedLogitsProcessor(_processor_base()):
    """Refuses tokens that would write a table or column name the prompt's database lacks.

    `template`: the prompt template (its prefix starts the assistant turn; SQL is read inside
    ```sql blocks, or inside the template's tags when its answers have no block).
    `end_ids`: tokens that end the answer (EOS and one-token stop strings); they are refused
    in the middle of a name. `sampling`: None for greedy, else a dict or GenerationConfig
    with do_sample, temperature, top_k, top_p, min_p (`configure`). `stats` counts
    row-steps, refusals ("interventions"), rows ended in a loop ("loops_ended") and rows
    without a known database.
    """

    def __init__(self, tokenizer, template, index: SchemaIndex, *, end_ids=(), sampling=None):
        self.tokenizer = tokenizer
        self.texts = token_texts(tokenizer)
        self.prefix = template.prefix or ""
        self.fence = "```sql" in template.answer("SELECT 1")
        self.tags = () if self.fence else tuple(template.tags)
        self.index = index
        self.end_ids = set(end_ids) | ({tokenizer.eos_token_id} if tokenizer.eos_token_id is not None else set())
        self.pad_id = tokenizer.pad_token_id
        self.stats: Counter = Counter()
        self.warpers: list | None = None
        self.configure(sampling)
        self._prev = None
        self._rows: list[_Row] = []
        self._classes = None

    def configure(self, sampling) -> None:
        """Set greedy (None / do_sample false) or sampling with the given warper settings."""
        if sampling is None:
            self.warpers = None
            return
        get = sampling.get if isinstance(sampling, dict) else (lambda k, d=None: getattr(sampling, k, d))
        if not get("do_sample", True):
            self.warpers = None
            return
        from transformers import MinPLogitsWarper, TemperatureLogitsWarper, TopKLogitsWarper, TopPLogitsWarper

        w = []
        t, k, p, m = get("temperature"), get("top_k"), get("top_p"), get("min_p")
        if t is not None and t != 1.0:
            w.append(TemperatureLogitsWarper(t))
        if k:
            w.append(TopKLogitsWarper(top_k=k))
        if p is not None and p < 1.0:
            w.append(TopPLogitsWarper(top_p=p))
        if m is not None:
            w.append(MinPLogitsWarper(min_p=m))
        self.warpers = w
        eos = get("eos_token_id")
        if eos is not None:
            self.end_ids |= {eos} if isinstance(eos, int) else set(eos)

    # -- following the rows ------------------------------------------------------------------------

    def _continues(self, input_ids) -> bool:
        import torch

        p = self._prev
        return (p is not None and input_ids.shape[0] == p.shape[0] and input_ids.shape[1] == p.shape[1] + 1
                and torch.equal(input_ids[:, :-1], p))

    def _start(self, input_ids) -> None:
        found: dict[tuple, object] = {}
        self._rows = []
        for ids in input_ids.tolist():
            key = tuple(t for t in ids if t != self.pad_id)
            if key not in found:
                prompt = self.tokenizer.decode(list(key), skip_special_tokens=True, clean_up_tokenization_spaces=False)
                found[key] = self.index.find(prompt)
            names = found[key]
            if names is None:
                self.stats["rows_without_schema"] += 1
                self._rows.append(_Row(None))
                continue
            self._rows.append(_Row(self._fresh(names)))
        self.stats["rows"] += len(self._rows)

    def _fresh(self, names) -> RegionScanner:
        scan = RegionScanner(names, fence=self.fence, tags=self.tags)
        _commit_text(scan, self.prefix)
        return scan

    def _commit(self, row: _Row, tok: int) -> None:
        if row.done:
            return
        if tok in self.end_ids:
            row.done = True
            return
        row.ids.append(tok)
        t = self.texts[tok] if tok < len(self.texts) else ""
        if row.partial or "\ufffd" in t:  # a multi-byte character split over tokens: decode the whole answer
            full = self.tokenizer.decode(row.ids, skip_special_tokens=True, clean_up_tokenization_spaces=False)
            if full.startswith(row.text):
                _commit_text(row.scan, full[len(row.text):])
            else:
                row.scan = self._fresh(row.scan.db)
                _commit_text(row.scan, full)
            row.text, row.partial = full, full.endswith("\ufffd")
            return
        _commit_text(row.scan, t)
        row.text += t

    def _allowed(self, row: _Row, tok: int) -> bool:
        self.stats["probes"] += 1
        if tok in self.end_ids:
            return row.scan.can_end()
        if tok >= len(self.texts):  # padding of the model's vocabulary: not a token at all
            return False
        t = self.texts[tok]
        if not t:
            return True
        return row.scan.copy().feed_text(t)

    def _best_allowed(self, row: _Row, scores, refused: set, top: int = 64):
        """The best-ranked accepted token of one row's `scores`, or None if there is none.

        First the model's own top choices; then, best first, only the tokens whose first
        character the scanner accepts here (a token is accepted only if its first character
        is), which is a short list in the middle of a name. Tokens without text (special
        tokens) are taken only among the top choices.
        """
        import torch

        n = scores.shape[-1]
        for j in scores.topk(min(top, n)).indices.tolist():
            if j not in refused:
                if self._allowed(row, j):
                    return j
                refused.add(j)
        classes, present = self._first_classes(n)
        ok = torch.zeros(len(FIRST_CLASSES) + 1, dtype=torch.bool)  # the last class: no text, never here
        for c in present:
            ok[c] = row.scan.copy().feed(FIRST_CLASSES[c])
        mask = ok[classes]
        k = int(mask.sum())
        if k == 0:
            return None
        for j in scores.masked_fill(~mask, float("-inf")).topk(k).indices.tolist():
            if j not in refused:
                if self._allowed(row, j):
                    return j
                refused.add(j)
        return None

    def _first_classes(self, n: int):
        """(per token id below n: the class of its first character, the classes that occur); cached."""
        if self._classes is None or self._classes[0].shape[0] != n:
            import torch

            empty = len(FIRST_CLASSES)
            index = {ch: c for c, ch in enumerate(FIRST_CLASSES)}
            other = index["\u00e9"]  # any character beyond ASCII: scanned as a letter, like é
            ids = [empty] * n
            for i, t in enumerate(self.texts[:n]):
                if t:
                    ids[i] = index.get(t[0], other)
            self._classes = (torch.tensor(ids), sorted(set(ids) - {empty}))
        return self._classes

    # -- choosing ----------------------------------------------------------------------------------

    def __call__(self, input_ids, scores):
        if self._continues(input_ids):
            for row, tok in zip(self._rows, input_ids[:, -1].tolist()):
                self._commit(row, tok)
        else:
            self._start(input_ids)
        self._prev = input_ids
        return self._greedy(scores) if self.warpers is None else self._sample(input_ids, scores)

    def _live(self, row: _Row) -> bool:
        return not row.done and row.scan is not None

    def _end_loop(self, row: _Row) -> int | None:
        """An end token if the row is looping (it then counts as ended), else None."""
        if not self.end_ids or not looping(row.ids):
            return None
        self.stats["loops_ended"] += 1
        row.done = True
        eos = self.tokenizer.eos_token_id
        return eos if eos in self.end_ids else min(self.end_ids)

    def _greedy(self, scores):
        best = scores.argmax(-1).tolist()
        out = scores
        for r, row in enumerate(self._rows):
            if not self._live(row):
                continue
            choice = self._end_loop(row)
            if choice is None:
                choice = self._greedy_choice(row, scores[r], best[r])
            if choice is None:
                continue
            if out is scores:
                out = scores.clone()
            keep = out[r, choice].clone()
            out[r] = float("-inf")
            out[r, choice] = keep
        return out

    def _greedy_choice(self, row: _Row, scores, best: int) -> int | None:
        """The token to write instead of the model's `best`, or None to leave the row's scores as they are."""
        if row.scan.constraining:
            self.stats["sql_steps"] += 1
        if self._allowed(row, best):
            return None
        self.stats["interventions"] += 1
        choice = self._best_allowed(row, scores, {best})
        if choice is None:  # nothing fits: let the model go on, unchecked for this SQL
            self.stats["given_up"] += 1
            row.scan.kill()
        return choice

    def _warp(self, input_ids, scores):
        for w in self.warpers:
            scores = w(input_ids, scores)
        return scores

    def _sample(self, input_ids, scores):
        import torch

        draws = torch.multinomial(torch.softmax(self._warp(input_ids, scores), dim=-1), 1).squeeze(1).tolist()
        for r, row in enumerate(self._rows):
            if not self._live(row):
                continue
            end = self._end_loop(row)
            if end is not None:
                draws[r] = end
                continue
            if row.scan.constraining:
                self.stats["sql_steps"] += 1
            tok = draws[r]
            if self._allowed(row, tok):
                continue
            self.stats["interventions"] += 1
            draws[r] = self._redraw(row, input_ids[r:r + 1], scores[r].clone(), tok)
        out = torch.full_like(scores, float("-inf"))
        out[torch.arange(len(draws)), torch.tensor(draws)] = 0.0
        return out

    def _redraw(self, row: _Row, ids, s, tok: int, tries: int = 64) -> int:
        """Draw again without the refused tokens until one is accepted (see the module docstring)."""
        import torch

        first, refused = tok, {tok}
        for _ in range(tries):
            s[tok] = float("-inf")
            probs = torch.softmax(self._warp(ids, s[None]), dim=-1)[0]
            if not torch.isfinite(probs).all() or probs.sum() <= 0:
                break
            tok = int(torch.multinomial(probs, 1))
            if tok not in refused and self._allowed(row, tok):
                return tok
            refused.add(tok)
        choice = self._best_allowed(row, s, refused)  # many refusals in a row: the best accepted token
        if choice is None:
            self.stats["given_up"] += 1
            row.scan.kill()
            return first
        return choice


def _commit_text(scan: RegionScanner, text: str) -> None:
    """Feed text that was written (not probed): a refused character stops checking this SQL."""
    for ch in text:
        if not scan.feed(ch):
            scan.kill()


def grounded_processor(model, tokenizer, template, rows, sampling=None) -> GroundedLogitsProcessor:
    """A processor for prompts rendered from `rows` (with `schema` and `db_path`), ending where `model` ends."""
    gen = getattr(model, "generation_config", None)
    eos = getattr(gen, "eos_token_id", None)
    eos = [] if eos is None else [eos] if isinstance(eos, int) else list(eos)
    return GroundedLogitsProcessor(tokenizer, template, SchemaIndex.from_rows(rows), end_ids=eos, sampling=sampling)
