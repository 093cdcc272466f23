"""The translation task: Korean numerals, dates, digit strings, tokens, split and buckets."""

from __future__ import annotations

import random
import re
from datetime import date, datetime

import pytest
import torch

from engine.data import korean_numbers
from engine.training import losses

KNOWN = {  # common usage, checked by hand
    0: "영",
    1: "일",
    7: "칠",
    10: "십",
    11: "십일",
    20: "이십",
    100: "백",
    101: "백일",
    110: "백십",
    321: "삼백이십일",
    1000: "천",
    1010: "천십",
    2024: "이천이십사",
    10000: "만",
    10001: "만 일",
    25000: "이만 오천",
    110000: "십일만",
    1000000: "백만",
    20000000: "이천만",
    100000000: "일억",
    100010000: "일억 만",
    300000200: "삼억 이백",
    1234567890: "십이억 삼천사백오십육만 칠천팔백구십",
    999999999999: "구천구백구십구억 구천구백구십구만 구천구백구십구",
}


@pytest.mark.parametrize(("n", "words"), sorted(KNOWN.items()))
def test_korean_numbers_of_known_cases(n: int, words: str) -> None:
    assert korean_numbers.korean_number(n) == words
    assert korean_numbers.read_korean_number(words) == n


def independent_value(text: str) -> int:
    """A second reader, written differently: split at the big units, then at the small ones."""
    digits = dict(zip("영일이삼사오육칠팔구", range(10), strict=True))
    total, rest = 0, text.replace(" ", "")
    for unit, power in (("억", 8), ("만", 4)):
        if unit in rest:
            head, rest = rest.split(unit)
            total += (group_value(head, digits) or 1) * 10**power
    return total + group_value(rest, digits)


def group_value(text: str, digits: dict[str, int]) -> int:
    value = 0
    for unit, size in (("천", 1000), ("백", 100), ("십", 10)):
        m = re.match(rf"([일이삼사오육칠팔구]?){unit}", text)
        if m:
            value += (digits[m.group(1)] if m.group(1) else 1) * size
            text = text[m.end() :]
    return value + (digits[text] if text else 0)


def test_korean_numbers_agree_with_an_independent_reader() -> None:
    rng = random.Random(0)
    for _ in range(3000):
        n = rng.randrange(10 ** rng.randint(1, 12))
        words = korean_numbers.korean_number(n)
        assert independent_value(words) == n, words
        assert "일십" not in words and "일백" not in words and "일천" not in words
        assert not words.startswith("일만") and " 일만" not in words


def test_korean_number_rejects_out_of_range() -> None:
    with pytest.raises(ValueError, match="outside"):
        korean_numbers.korean_number(10**12)
    with pytest.raises(ValueError):
        korean_numbers.read_korean_number("삼백x")


def test_dates_match_datetime() -> None:
    rng = random.Random(1)
    month_words = {w: i + 1 for i, w in enumerate(korean_numbers.MONTH_WORDS)}
    for _ in range(500):
        pair = korean_numbers.date_pair(rng, 40)
        d = date.fromisoformat(pair.target)
        text = pair.source
        if "년" in text:
            m = re.fullmatch(r"(\S+)년 (\S+)월 (\S+)일(?: (\S요일))?", text)
            assert m, text
            y, mo, dd, wd = m.groups()
            if y.isdigit():
                assert (int(y), int(mo), int(dd)) == (d.year, d.month, d.day)
            else:
                assert korean_numbers.read_korean_number(y) == d.year and month_words[mo] == d.month
                assert korean_numbers.read_korean_number(dd) == d.day
            if wd:
                assert wd == "월화수목금토일"[d.weekday()] + "요일"
        else:
            parsed = None
            for fmt in ("%A, %B %d, %Y", "%B %d, %Y", "%A, %d %B %Y", "%d %B %Y"):
                for candidate in (fmt, fmt.replace("%B", "%b")):
                    try:
                        parsed = datetime.strptime(text, candidate).date()
                    except ValueError:
                        continue
            assert parsed == d, text
            if "day," in text:
                assert text.split(",")[0] == d.strftime("%A")


def test_month_readings_are_irregular_for_june_and_october() -> None:
    assert (
        korean_numbers.korean_date(date(2024, 6, 10), words=True, weekday=False)
        == "이천이십사년 유월 십일"
    )
    assert korean_numbers.korean_date(date(2024, 10, 3), words=True, weekday=True) == (
        "이천이십사년 시월 삼일 목요일"
    )
    assert (
        korean_numbers.korean_date(date(2024, 3, 5), words=False, weekday=True)
        == "2024년 3월 5일 화요일"
    )
    assert (
        korean_numbers.english_date(date(2024, 3, 5), 0, weekday=True) == "Tuesday, March 5, 2024"
    )


def test_digit_strings_read_aloud() -> None:
    rng = random.Random(2)
    for length in (3, 17, 30):
        pair = korean_numbers.digits_pair(rng, length)
        assert len(pair.source) == len(pair.target) == length
        for word, digit in zip(pair.source, pair.target, strict=True):
            assert digit == ("0" if word in "영공" else str(korean_numbers.DIGIT_WORDS.index(word)))


@pytest.mark.parametrize("task", korean_numbers.TASKS)
def test_generate_is_deterministic_distinct_and_in_vocabulary(task: str) -> None:
    pairs = korean_numbers.generate(task, 600, 30, seed=5)
    assert pairs == korean_numbers.generate(task, 600, 30, seed=5)
    assert len({p.source for p in pairs}) == len(pairs) == 600
    vocab = korean_numbers.Vocab()
    for p in pairs:
        assert not vocab.unknown(p.source + p.target)
        assert 1 <= len(p.source) <= 30 and len(p.target) <= korean_numbers.target_len(30)
    if task == "mixed":
        assert {p.kind for p in pairs} == set(korean_numbers.KINDS)
        assert max(len(p.source) for p in pairs) >= 28  # long inputs are there


def test_split_shares_no_input_and_no_underlying_value() -> None:
    pairs = korean_numbers.generate("mixed", 3000, 30)
    train, test = korean_numbers.split(pairs, 0.1)
    assert len(train) + len(test) == len(pairs)
    assert 0.07 < len(test) / len(pairs) < 0.13
    assert not {p.source for p in train} & {p.source for p in test}
    assert not {p.key for p in train} & {p.key for p in test}
    # the same number in both directions lands on one side
    both = [p for p in pairs if p.kind == "numbers"]
    keys_train = {p.key for p in train}
    for p in both:
        assert (p in train) == (p.key in keys_train)


def test_vocab_and_tensorize() -> None:
    vocab = korean_numbers.Vocab()
    assert vocab.itos[:4] == ["<pad>", "<bos>", "<eos>", "<unk>"]
    assert vocab.decode(vocab.encode("이만 오천") + [korean_numbers.EOS, 5]) == "이만 오천"
    assert vocab.unknown("삼!백?!") == ["!", "?"]
    assert vocab.tokens("이만 오천") == ["이", "만", "␣", "오", "천"]
    pairs = [
        korean_numbers.Pair("삼일사", "314", "digits", "a"),
        korean_numbers.Pair("이십", "20", "numbers", "b"),
    ]
    batch = korean_numbers.tensorize(pairs, vocab, 5, 4)
    assert batch.src.shape == (2, 5) and batch.tgt_in.shape == batch.tgt_out.shape == (2, 5)
    assert batch.src_len.tolist() == [3, 2]
    assert batch.src[1, 2:].tolist() == [korean_numbers.PAD] * 3
    assert batch.tgt_in[0].tolist() == [
        korean_numbers.BOS,
        *vocab.encode("314"),
        korean_numbers.PAD,
    ]
    assert batch.tgt_out[0].tolist() == [
        *vocab.encode("314"),
        korean_numbers.EOS,
        korean_numbers.PAD,
    ]
    assert torch.equal(batch.tgt_in[:, 1:4][0], batch.tgt_out[:, :3][0])
    with pytest.raises(ValueError, match="longer"):
        korean_numbers.tensorize(pairs, vocab, 2, 4)


def test_length_buckets() -> None:
    assert korean_numbers.bucket_edges(30) == [
        (1, 5),
        (6, 10),
        (11, 15),
        (16, 20),
        (21, 25),
        (26, 30),
    ]
    assert korean_numbers.bucket_edges(12) == [(1, 5), (6, 10), (11, 12)]
    assert korean_numbers.bucket_label((6, 10)) == "6-10"


def test_length_order_batches_similar_lengths_and_repeats_itself() -> None:
    g = torch.Generator().manual_seed(0)
    lengths = torch.randint(1, 31, (1000,), generator=g)
    perm = torch.randperm(1000, generator=g)
    order = korean_numbers.length_order(lengths, 64, pool=4)(perm)
    assert sorted(order.tolist()) == list(range(1000))  # a permutation: every pair, once
    assert torch.equal(order, korean_numbers.length_order(lengths, 64, pool=4)(perm.clone()))
    batches = order.split(64)
    assert len(batches[-1]) == 1000 % 64  # the ragged batch stays last
    spread = [int(lengths[b].max() - lengths[b].min()) for b in batches[:-1]]
    assert max(spread) <= 12  # a pool of 256 sorted into 4 batches; random ones span ~1..30
    firsts = [int(lengths[b].min()) for b in batches[:-1]]
    assert firsts != sorted(firsts)  # batch order is shuffled, not short-to-long
    other = korean_numbers.length_order(lengths, 64, pool=4)(torch.randperm(1000, generator=g))
    assert not torch.equal(order, other)


def test_per_pair_loss_weighs_every_token_the_same_however_pairs_are_batched() -> None:
    """Averaged over an epoch's batches (weighted by batch size, as the loop does), the loss
    is the per-token mean of the whole set, whether batches mix lengths or sort them."""
    g = torch.Generator().manual_seed(0)
    targets = torch.randint(4, 20, (8, 6), generator=g)
    lengths = torch.tensor([1, 2, 6, 6, 3, 5, 2, 6])
    targets[torch.arange(6)[None, :] >= lengths[:, None]] = korean_numbers.PAD
    logits = torch.randn(8, 6, 20, generator=g)
    loss = losses.per_pair_loss(float(lengths.float().mean()))
    whole = losses.sequence_loss(logits, targets)
    for order in (torch.arange(8), torch.argsort(lengths, stable=True)):
        batches = order.split(4)
        mean = sum(loss(logits[b], targets[b]) * len(b) for b in batches) / 8
        torch.testing.assert_close(mean, whole)
    short, long_ = torch.tensor([0, 1]), torch.tensor([2, 3])  # 1+2 vs 6+6 tokens
    ratio = loss(logits[long_], targets[long_]) / losses.sequence_loss(
        logits[long_], targets[long_]
    )
    assert ratio > 3 * loss(logits[short], targets[short]) / losses.sequence_loss(
        logits[short], targets[short]
    )
