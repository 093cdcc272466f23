"""The grading stages every exercise shares, run in the grading child (torch loaded).

A check is an object with `stages(student)`: (key, callable) pairs run in order until one
raises `Fail`. `FunctionCheck` is the whole grader of a function exercise, given its cases
(seeded inputs of several shapes), its reference (PyTorch's own module or function) and its
known wrong variants: when the student's output differs from the reference, it is compared
with each variant's on the same input, and a match names the mistake. Nothing here reads
the student's source.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import torch

from engine.exercises.check_student import Fail, Student, check_signature
from engine.text import Text

RTOL, ATOL = 1e-4, 1e-5  # float32 forward values
RTOL64, ATOL64 = 1e-7, 1e-9  # float64 gradients


@dataclass
class Case:
    """One seeded input: positional args, keyword args, and what it tests in words."""

    label: Text
    args: tuple[Any, ...]
    kwargs: dict[str, Any] = field(default_factory=dict)

    def fresh(self, grad: Sequence[int] = ()) -> tuple[tuple[Any, ...], dict[str, Any]]:
        """Copies of the inputs (a student's in-place change cannot touch the next call),
        leaves requiring grad at the indices `grad`."""
        args = []
        for i, a in enumerate(self.args):
            if isinstance(a, torch.Tensor):
                a = a.detach().clone()
                if i in grad:
                    a.requires_grad_(True)
            args.append(a)
        kwargs = {
            k: v.clone() if isinstance(v, torch.Tensor) else v for k, v in self.kwargs.items()
        }
        return tuple(args), kwargs


def as_outputs(value: Any, names: Sequence[str], entry: str) -> tuple[torch.Tensor, ...]:
    """The student's return value as a tuple of tensors, or a Fail saying what it is."""
    if len(names) == 1:
        if isinstance(value, (tuple, list)):
            raise Fail(
                Text(
                    en=f"`{entry}` returned a {type(value).__name__} of {len(value)}; return one "
                    f"tensor ({names[0]})",
                    ko=f"`{entry}`가 {type(value).__name__}({len(value)}개)를 돌려줍니다. 텐서 "
                    f"하나({names[0]})를 돌려주세요",
                )
            )
        value = (value,)
    elif not isinstance(value, (tuple, list)) or len(value) != len(names):
        what = f"a {type(value).__name__}"
        if isinstance(value, (tuple, list)):
            what += f" of {len(value)}"
        raise Fail(
            Text(
                en=f"`{entry}` returned {what}; return the tuple ({', '.join(names)})",
                ko=f"`{entry}`가 {what}를 돌려줍니다. 튜플 ({', '.join(names)})를 돌려주세요",
            )
        )
    for name, v in zip(names, value, strict=True):
        if not isinstance(v, torch.Tensor):
            raise Fail(
                Text(
                    en=f"`{name}` is a {type(v).__name__}, not a torch.Tensor",
                    ko=f"`{name}`가 torch.Tensor가 아니라 {type(v).__name__}입니다",
                )
            )
    return tuple(value)


def check_shapes(
    outs: Sequence[torch.Tensor], refs: Sequence[torch.Tensor], names: Sequence[str], label: Text
) -> None:
    for name, out, ref in zip(names, outs, refs, strict=True):
        if tuple(out.shape) != tuple(ref.shape):
            raise Fail(
                Text(
                    en=f"on {label.en}: `{name}` has shape {tuple(out.shape)}, expected "
                    f"{tuple(ref.shape)}",
                    ko=f"{label.ko} 입력에서 `{name}`의 모양이 {tuple(out.shape)}입니다. "
                    f"{tuple(ref.shape)}이어야 합니다",
                )
            )
        if out.dtype != ref.dtype:
            raise Fail(
                Text(
                    en=f"on {label.en}: `{name}` is {out.dtype}, expected {ref.dtype} (use the "
                    "inputs' dtype; do not convert)",
                    ko=f"{label.ko} 입력에서 `{name}`의 dtype이 {out.dtype}입니다. {ref.dtype}이어야 "
                    "합니다 (입력의 dtype을 그대로 쓰세요)",
                )
            )


def close(a: Sequence[torch.Tensor], b: Sequence[torch.Tensor], rtol: float, atol: float) -> bool:
    return all(
        x.shape == y.shape
        and torch.allclose(x.detach(), y.detach(), rtol=rtol, atol=atol, equal_nan=True)
        for x, y in zip(a, b, strict=True)
    )


def difference(
    outs: Sequence[torch.Tensor], refs: Sequence[torch.Tensor], names: Sequence[str], label: Text
) -> Text:
    """Where the first differing output differs most, in words."""
    for name, out, ref in zip(names, outs, refs, strict=True):
        if not torch.isfinite(out).all() and torch.isfinite(ref).all():
            return Text(
                en=f"on {label.en}: `{name}` contains NaN or inf (a division by zero, or a softmax "
                "over a row of -inf?)",
                ko=f"{label.ko} 입력에서 `{name}`에 NaN이나 inf가 있습니다 (0으로 나누기? -inf뿐인 "
                "행의 softmax?)",
            )
        diff = (out.detach() - ref.detach()).abs().nan_to_num(nan=math.inf)
        if diff.numel() and not torch.allclose(
            out.detach(), ref.detach(), rtol=RTOL, atol=ATOL, equal_nan=True
        ):
            worst = int(diff.flatten().argmax())
            index = tuple(int(i) for i in torch.unravel_index(torch.tensor(worst), diff.shape))
            mine, want = float(out.detach().flatten()[worst]), float(ref.detach().flatten()[worst])
            return Text(
                en=f"on {label.en}: `{name}` differs from PyTorch's by up to {float(diff.max()):.3g}; "
                f"at {list(index)} yours is {mine:.5g}, PyTorch's {want:.5g}",
                ko=f"{label.ko} 입력에서 `{name}`이 PyTorch와 최대 {float(diff.max()):.3g} 다릅니다. "
                f"{list(index)}에서 내 값 {mine:.5g}, PyTorch {want:.5g}",
            )
    return Text(en=f"on {label.en}: the outputs differ", ko=f"{label.ko} 입력에서 출력이 다릅니다")


Variant = tuple[Text, Callable[..., Any]]


def looks_like(
    outs: Sequence[torch.Tensor], case: Case, variants: Sequence[Variant], names: Sequence[str]
) -> Text | None:
    """The known mistake whose output equals the student's on `case`, if one does."""
    for text, fn in variants:
        args, kwargs = case.fresh()
        with torch.no_grad():
            got = fn(*args, **kwargs)
        got = got if isinstance(got, tuple) else (got,)
        if len(got) == len(outs) and close(outs, got, RTOL, ATOL):
            return text
    return None


def mistake(text: Text, label: Text) -> Text:
    return Text(
        en=f"on {label.en} your result matches a known mistake: {text.en}",
        ko=f"{label.ko} 입력에서 결과가 알려진 실수와 같습니다: {text.ko}",
    )


def seeded(seed: int) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


def randn(
    g: torch.Generator, *shape: int, scale: float = 1.0, dtype: torch.dtype = torch.float32
) -> torch.Tensor:
    return torch.randn(*shape, generator=g, dtype=torch.float64).mul(scale).to(dtype)


class FunctionCheck:
    """The grader of a function exercise; subclasses give the cases, reference and variants."""

    entry: str = ""
    params: tuple[str, ...] = ()
    optional: tuple[str, ...] = ()  # passed by keyword, must have a default
    outputs: tuple[str, ...] = ()
    grad_args: tuple[int, ...] = ()  # inputs whose gradients are compared (float64)

    def cases(self, dtype: torch.dtype) -> list[Case]:
        raise NotImplementedError

    def reference(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError

    def variants(self) -> list[Variant]:
        return []

    # ---- the stages ----------------------------------------------------------------------

    def stages(self, student: Student) -> list[tuple[str, Callable[[], None]]]:
        self.student = student
        out: list[tuple[str, Callable[[], None]]] = [
            ("load", self.stage_load),
            ("shapes", self.stage_shapes),
            ("values", self.stage_values),
        ]
        if self.grad_args:
            out.append(("gradients", self.stage_gradients))
        return out

    def stage_load(self) -> None:
        self.fn = self.student.load(self.entry)
        check_signature(self.fn, self.entry, self.params, self.optional)

    def run(
        self, case: Case, grad: Sequence[int] = ()
    ) -> tuple[tuple[torch.Tensor, ...], tuple[Any, ...]]:
        args, kwargs = case.fresh(grad)
        value = self.student.call(self.fn, case.label, *args, **kwargs)
        return as_outputs(value, self.outputs, self.entry), args

    def expected(
        self, case: Case, grad: Sequence[int] = ()
    ) -> tuple[tuple[torch.Tensor, ...], tuple[Any, ...]]:
        args, kwargs = case.fresh(grad)
        value = self.reference(*args, **kwargs)
        return (value if isinstance(value, tuple) else (value,)), args

    def stage_shapes(self) -> None:
        for case in self.cases(torch.float32):
            with torch.no_grad():
                outs, _ = self.run(case)
                refs, _ = self.expected(case)
            check_shapes(outs, refs, self.outputs, case.label)

    def stage_values(self) -> None:
        for case in self.cases(torch.float32):
            with torch.no_grad():
                outs, _ = self.run(case)
                refs, _ = self.expected(case)
            if close(outs, refs, RTOL, ATOL) and all(torch.isfinite(o).all() for o in outs):
                continue
            known = looks_like(outs, case, self.variants(), self.outputs)
            if known is not None:
                raise Fail(mistake(known, case.label))
            raise Fail(difference(outs, refs, self.outputs, case.label))

    def grad_case(self) -> Case:
        return self.cases(torch.float64)[0]

    def stage_gradients(self) -> None:
        case = self.grad_case()
        outs, args = self.run(case, self.grad_args)
        if not any(o.requires_grad for o in outs):
            raise Fail(
                Text(
                    en="no gradient flows through your code (float64 inputs): avoid .detach(), "
                    ".item(), .numpy(), torch.no_grad() and building new tensors from values",
                    ko="코드를 지나 기울기가 흐르지 않습니다 (float64 입력): .detach(), .item(), "
                    ".numpy(), torch.no_grad(), 값으로 새 텐서 만들기를 피하세요",
                )
            )
        refs, ref_args = self.expected(case, self.grad_args)
        check_shapes(outs, refs, self.outputs, case.label)
        g = seeded(99)
        cots = [torch.randn(r.shape, generator=g, dtype=torch.float64) for r in refs]
        inputs = [args[i] for i in self.grad_args]
        ref_inputs = [ref_args[i] for i in self.grad_args]
        loss = torch.stack(
            [(o * c).sum() for o, c in zip(outs, cots, strict=True) if o.requires_grad]
        ).sum()
        ref_loss = torch.stack([(r * c).sum() for r, c in zip(refs, cots, strict=True)]).sum()
        try:
            grads = torch.autograd.grad(loss, inputs, allow_unused=True)
        except RuntimeError as e:
            raise Fail(
                Text(
                    en=f"backpropagating through your code failed: {e} (an in-place change of a "
                    "tensor autograd needs?)",
                    ko=f"코드를 거쳐 역전파하지 못했습니다: {e} (autograd가 쓰는 텐서를 제자리에서 "
                    "바꿨나요?)",
                )
            ) from None
        want = torch.autograd.grad(ref_loss, ref_inputs, allow_unused=True)
        for i, got, exp in zip(self.grad_args, grads, want, strict=True):
            name = self.params[i]
            if exp is None:
                continue
            if got is None:
                got = torch.zeros_like(exp)
            if not torch.allclose(got, exp, rtol=RTOL64, atol=ATOL64):
                err = float((got - exp).abs().max())
                raise Fail(
                    Text(
                        en=f"the gradient with respect to `{name}` differs from PyTorch's by up to "
                        f"{err:.3g} (float64 inputs), though the forward values match: is part of "
                        "the computation cut from the graph?",
                        ko=f"`{name}`에 대한 기울기가 PyTorch와 최대 {err:.3g} 다릅니다 (float64 입력). "
                        "순전파 값은 맞습니다: 계산의 일부가 그래프에서 끊겼나요?",
                    )
                )
