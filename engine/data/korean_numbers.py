"""The translation task of the seq2seq and Transformer labs, generated offline.

Three kinds of pairs, each something a student can read and type:

- `digits`  Korean digits read one by one, as on a phone: 삼일사일오 -> 31415. Its output is as
  long as its input (3 to `max_len` syllables), so a fixed-size context vector has more and
  more to carry as inputs grow: this is the kind that shows the bottleneck most clearly.
- `numbers` Sino-Korean number words <-> digits, both directions: 삼백이십일 <-> 321,
  이만 오천 <-> 25000, up to 9999억 9999만 9999 (25 syllables).
- `dates`   a date written in Korean or English -> ISO 8601: 2024년 3월 5일 화요일 ->
  2024-03-05, "Tuesday, March 5, 2024" -> 2024-03-05, 이천이십사년 유월 십일 -> 2024-06-10.
  Weekdays come from `datetime`, so they are always right.

Korean number words follow common usage, which we fix here so the task is deterministic:
- 일 is dropped before 십, 백 and 천 (십, 백, 천; never 일십);
- 1 x 10^4 is 만 (not 일만), also inside larger numbers (일억 만 = 100,010,000); 억 and 조 keep
  their 일 (일억, 일조), as people say them;
- a space follows each 만/억 group (띄어쓰기 by 만 units): 삼억 사천만 이백;
- zero alone is 영; in `digits` a 0 is read 영 or 공 (both are common for phone numbers);
- months 6 and 10 are 유월 and 시월 (the irregular readings).

Tokens are characters (one Hangul syllable, letter, digit, space or punctuation mark each),
over a fixed vocabulary built from the generator's own alphabet, so it never depends on the
data drawn and a checkpoint's embedding rows always mean the same characters.

The end of the module is the batch format both models train on: source and teacher-forcing
input side by side in one tensor (`pack`/`unpack`), batches of similar length
(`length_order`) and the losses over target tokens.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date

import torch

PAD, BOS, EOS, UNK = 0, 1, 2, 3
SPECIALS = ("<pad>", "<bos>", "<eos>", "<unk>")
KINDS = ("digits", "numbers", "dates")
TASKS = ("digits", "numbers", "dates", "mixed")
MIXED_WEIGHTS = {"digits": 0.5, "numbers": 0.3, "dates": 0.2}
BUCKET_WIDTH = 5
SPLIT_SEED = 1234  # the same test set for every run seed, so seeds are comparable

DIGIT_WORDS = ("영", "일", "이", "삼", "사", "오", "육", "칠", "팔", "구")
SMALL_UNITS = ("", "십", "백", "천")  # 10^0 .. 10^3 inside a group of four digits
BIG_UNITS = ("", "만", "억", "조")  # 10^0, 10^4, 10^8, 10^12
MAX_NUMBER = 10**12 - 1  # up to 9999억 9999만 9999
MONTH_WORDS = ("일", "이", "삼", "사", "오", "유", "칠", "팔", "구", "시", "십일", "십이")
WEEKDAYS_KO = ("월요일", "화요일", "수요일", "목요일", "금요일", "토요일", "일요일")
WEEKDAYS_EN = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS_EN = (
    "January February March April May June July August September October November December"
).split()
YEARS = (1900, 2099)


# --- Korean numerals ------------------------------------------------------------------------


def _group_words(n: int) -> str:
    """0 < n < 10000 in words: 1 before 십/백/천 is dropped (천십, not 일천일십)."""
    out = []
    for power in (3, 2, 1, 0):
        d = n // 10**power % 10
        if d == 0:
            continue
        word = "" if d == 1 and power > 0 else DIGIT_WORDS[d]
        out.append(word + SMALL_UNITS[power])
    return "".join(out)


def korean_number(n: int) -> str:
    """Sino-Korean words for 0 <= n <= MAX_NUMBER: 25000 -> "이만 오천", 10000 -> "만"."""
    if not 0 <= n <= MAX_NUMBER:
        raise ValueError(f"{n} is outside 0 .. {MAX_NUMBER}")
    if n == 0:
        return DIGIT_WORDS[0]
    groups = []
    for k in (3, 2, 1, 0):
        g = n // 10 ** (4 * k) % 10**4
        if g == 0:
            continue
        words = "" if g == 1 and k == 1 else _group_words(g)  # 만, not 일만
        groups.append(words + BIG_UNITS[k])
    return " ".join(groups)


def read_korean_number(text: str) -> int:
    """The value of Sino-Korean number words (the inverse of `korean_number`; spaces ignored)."""
    digit = {w: i for i, w in enumerate(DIGIT_WORDS)}
    small = {"십": 10, "백": 100, "천": 1000}
    big = {"만": 10**4, "억": 10**8, "조": 10**12}
    total = group = 0
    pending: int | None = None
    for ch in text.replace(" ", ""):
        if ch in digit:
            pending = digit[ch]
        elif ch in small:
            group += (1 if pending is None else pending) * small[ch]
            pending = None
        elif ch in big:
            group += pending or 0
            total += (group or 1) * big[ch]
            group, pending = 0, None
        else:
            raise ValueError(f"{ch!r} is not part of a Korean number")
    return total + group + (pending or 0)


# --- dates ----------------------------------------------------------------------------------


def korean_date(d: date, words: bool, weekday: bool) -> str:
    """2024년 3월 5일 (화요일), or in words 이천이십사년 삼월 오일 (유월, 시월 irregular)."""
    if words:
        text = f"{korean_number(d.year)}년 {MONTH_WORDS[d.month - 1]}월 {korean_number(d.day)}일"
    else:
        text = f"{d.year}년 {d.month}월 {d.day}일"
    return f"{text} {WEEKDAYS_KO[d.weekday()]}" if weekday else text


def english_date(d: date, style: int, weekday: bool) -> str:
    """ "Tuesday, March 5, 2024" (US), "5 March 2024" (UK) or "Mar 5, 2024" (abbreviated)."""
    month = MONTHS_EN[d.month - 1]
    if style == 0:
        text = f"{month} {d.day}, {d.year}"
    elif style == 1:
        text = f"{d.day} {month} {d.year}"
    else:
        text = f"{month[:3]} {d.day}, {d.year}"
    return f"{WEEKDAYS_EN[d.weekday()]}, {text}" if weekday else text


# --- pairs ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Pair:
    """One example: `source` -> `target`; `key` is what the train/test split keeps apart."""

    source: str
    target: str
    kind: str
    key: str


def digits_pair(rng: random.Random, length: int) -> Pair:
    ds = [rng.randrange(10) for _ in range(length)]
    words = "".join(rng.choice(("영", "공")) if d == 0 else DIGIT_WORDS[d] for d in ds)
    target = "".join(map(str, ds))
    return Pair(words, target, "digits", "digits:" + target)


def number_pair(rng: random.Random, max_len: int) -> Pair:
    """A number with 1..12 digits (uniform in the digit count), either direction."""
    for _ in range(100):
        n_digits = rng.randint(1, 12)
        n = rng.randrange(10 ** (n_digits - 1) if n_digits > 1 else 0, 10**n_digits)
        words, digits = korean_number(n), str(n)
        if rng.random() < 0.5:
            words, digits = digits, words  # digits -> words this time
        if len(words) <= max_len and len(digits) <= target_len(max_len):
            return Pair(words, digits, "numbers", f"number:{n}")
    raise ValueError(f"max_len {max_len} is too short for the numbers task")


def date_pair(rng: random.Random, max_len: int) -> Pair:
    for _ in range(100):
        d = date.fromordinal(
            rng.randint(date(YEARS[0], 1, 1).toordinal(), date(YEARS[1], 12, 31).toordinal())
        )
        weekday = rng.random() < 0.5
        style = rng.randrange(5)
        if style < 2:
            text = korean_date(d, words=style == 1, weekday=weekday)
        else:
            text = english_date(d, style - 2, weekday)
        if len(text) <= max_len:
            return Pair(text, d.isoformat(), "dates", "date:" + d.isoformat())
    raise ValueError(f"max_len {max_len} is too short for the dates task")


def draw_pair(rng: random.Random, kind: str, max_len: int, min_len: int = 3) -> Pair:
    if kind == "digits":
        return digits_pair(rng, rng.randint(min_len, max_len))
    if kind == "numbers":
        return number_pair(rng, max_len)
    if kind == "dates":
        return date_pair(rng, max_len)
    raise ValueError(f"unknown kind {kind!r}; kinds: {', '.join(KINDS)}")


def generate(task: str, n: int, max_len: int, seed: int = SPLIT_SEED) -> list[Pair]:
    """`n` pairs with distinct sources (fewer if the task has fewer), deterministic in `seed`."""
    if task not in TASKS:
        raise ValueError(f"unknown task {task!r}; tasks: {', '.join(TASKS)}")
    rng = random.Random(seed)
    kinds, weights = list(MIXED_WEIGHTS), list(MIXED_WEIGHTS.values())
    seen: set[str] = set()
    pairs: list[Pair] = []
    misses = 0
    while len(pairs) < n and misses < 20 * n:
        kind = rng.choices(kinds, weights)[0] if task == "mixed" else task
        pair = draw_pair(rng, kind, max_len)
        if pair.source in seen:
            misses += 1
            continue
        seen.add(pair.source)
        pairs.append(pair)
    return pairs


def split(
    pairs: Sequence[Pair], test_fraction: float, seed: int = SPLIT_SEED
) -> tuple[list[Pair], list[Pair]]:
    """Train and test sets sharing no `key`: a number or date seen in training (in any
    direction or format) never appears in the test set."""
    keys = sorted({p.key for p in pairs})
    random.Random(seed).shuffle(keys)
    test_keys = set(keys[: round(len(keys) * test_fraction)])
    train = [p for p in pairs if p.key not in test_keys]
    test = [p for p in pairs if p.key in test_keys]
    return train, test


# --- tokens ---------------------------------------------------------------------------------


def alphabet() -> list[str]:
    """Every character the generator can write, sorted: the vocabulary after the specials."""
    words: list[str] = [*DIGIT_WORDS, "공", *SMALL_UNITS, *BIG_UNITS, *MONTH_WORDS]
    words += [*WEEKDAYS_KO, *WEEKDAYS_EN, *MONTHS_EN, "년월일", "0123456789", " ,-"]
    return sorted(set("".join(words)))


class Vocab:
    """Characters <-> ids, with <pad>=0, <bos>=1, <eos>=2, <unk>=3."""

    def __init__(self, chars: Iterable[str] | None = None) -> None:
        self.itos = [*SPECIALS, *(alphabet() if chars is None else chars)]
        self.stoi = {s: i for i, s in enumerate(self.itos)}

    def __len__(self) -> int:
        return len(self.itos)

    def unknown(self, text: str) -> list[str]:
        """The characters of `text` outside the vocabulary (in order, without repeats)."""
        return list(dict.fromkeys(ch for ch in text if ch not in self.stoi))

    def encode(self, text: str) -> list[int]:
        return [self.stoi.get(ch, UNK) for ch in text]

    def decode(self, ids: Iterable[int]) -> str:
        """Ids to text, stopping at <eos> and skipping <pad>/<bos>."""
        out = []
        for i in ids:
            if i == EOS:
                break
            if i not in (PAD, BOS):
                out.append(self.itos[i] if 0 <= i < len(self.itos) else "?")
        return "".join(out)

    def tokens(self, text: str) -> list[str]:
        """Display labels of `text`'s tokens (a space shows as ␣)."""
        return ["␣" if ch == " " else ch for ch in text]


@dataclass
class Batch:
    """Padded tensors of a list of pairs.

    src     (N, S)      source ids, padded with PAD
    tgt_in  (N, T)      BOS + target ids (the decoder's teacher-forcing input)
    tgt_out (N, T)      target ids + EOS (what the decoder must predict), padded with PAD
    src_len (N,)        source lengths (the length-bucket key)
    """

    src: torch.Tensor
    tgt_in: torch.Tensor
    tgt_out: torch.Tensor
    src_len: torch.Tensor


def tensorize(pairs: Sequence[Pair], vocab: Vocab, src_len: int, tgt_len: int) -> Batch:
    """Pad every source to `src_len` and every target (+ BOS/EOS) to `tgt_len` + 1."""
    n = len(pairs)
    src = torch.full((n, src_len), PAD, dtype=torch.long)
    tgt_in = torch.full((n, tgt_len + 1), PAD, dtype=torch.long)
    tgt_out = torch.full((n, tgt_len + 1), PAD, dtype=torch.long)
    lengths = torch.zeros(n, dtype=torch.long)
    for i, p in enumerate(pairs):
        s, t = vocab.encode(p.source), vocab.encode(p.target)
        if len(s) > src_len or len(t) > tgt_len:
            raise ValueError(f"pair {p.source!r} -> {p.target!r} is longer than the padding")
        src[i, : len(s)] = torch.tensor(s)
        tgt_in[i, : len(t) + 1] = torch.tensor([BOS, *t])
        tgt_out[i, : len(t) + 1] = torch.tensor([*t, EOS])
        lengths[i] = len(s)
    return Batch(src, tgt_in, tgt_out, lengths)


def target_len(max_len: int) -> int:
    """The longest target any task writes for sources up to `max_len` (numbers: 9999억 -> 12
    digits; digits -> words can be longer than its source, dates are 10 characters)."""
    return max(max_len, 12, 10) + 1


def bucket_edges(max_len: int, width: int = BUCKET_WIDTH) -> list[tuple[int, int]]:
    """Input-length buckets [(1, 5), (6, 10), ...] covering 1..max_len."""
    return [(lo, min(lo + width - 1, max_len)) for lo in range(1, max_len + 1, width)]


def bucket_label(edge: tuple[int, int]) -> str:
    return f"{edge[0]}-{edge[1]}"


# --- one tensor per batch, as the training loop wants it -----------------------------------


def pack(src: torch.Tensor, tgt_in: torch.Tensor) -> torch.Tensor:
    """One tensor the training loop can batch: (B, S) and (B, T) -> (B, S + T)."""
    return torch.cat([src, tgt_in], dim=1)


def unpack(x: torch.Tensor, src_len: int) -> tuple[torch.Tensor, torch.Tensor]:
    """(B, S + T) -> src (B, S'), tgt_in (B, T'), each cut after its batch's longest real
    sequence: columns of pure padding cost time and change nothing (batches of similar
    lengths, see `length_order`, make the cut worth it)."""
    src, tgt_in = x[:, :src_len], x[:, src_len:]
    return src[:, : _extent(src)], tgt_in[:, : _extent(tgt_in)]


def _extent(ids: torch.Tensor) -> int:
    """How many leading columns of ids (B, L) hold a real token in some row (at least 1)."""
    return max(int((ids != PAD).sum(1).max()), 1) if ids.numel() else ids.shape[1]


def length_order(
    lengths: torch.Tensor, batch_size: int, pool: int = 32
) -> Callable[[torch.Tensor], torch.Tensor]:
    """An `ArmSetup.order`: batches of similar source length, so `unpack` can cut them short.

    Each epoch's shuffled permutation is cut into pools of `pool` batches; a pool is sorted by
    length and split into batches, and the full batches of all pools are put in an order
    drawn from the permutation itself (so a resumed epoch repeats it exactly). Which pairs
    meet in a batch still changes every epoch; the ragged last batch stays last."""

    def order(perm: torch.Tensor) -> torch.Tensor:
        batches: list[torch.Tensor] = []
        for chunk in perm.split(batch_size * pool):
            chunk = chunk[torch.argsort(lengths[chunk], stable=True)]
            batches.extend(chunk.split(batch_size))
        ragged = batches.pop() if batches and len(batches[-1]) < batch_size else None
        shuffled = [batches[i] for i in torch.argsort(perm[: len(batches)]).tolist()]
        return torch.cat(shuffled + ([ragged] if ragged is not None else []) or [perm])

    return order
