#!/usr/bin/env python3
"""Whole-model fixtures for the qwasm model runtime: small eager-mode quantized networks (fuse_modules, qconfig,
prepare, calibrate on a few seeded random batches, convert; engine qnnpack), each written as ONNX twice, plus the
outputs PyTorch computes.

    python3 tests/golden/generate_model_fixtures.py   # rewrites tests/golden/models/{pt,tx}_*.onnx, MODELS.md
                                                       # and tests/golden/model_runs.qgf

Files per model NAME (tests/golden/models/, listed with their contents in MODELS.md):
    pt_NAME.onnx   written by scripts/export_pytorch.py: classic QDQ (DequantizeLinear -> float op ->
                   QuantizeLinear), int32 biases rounded as PyTorch rounds them; the reference output is the
                   converted PyTorch module itself.
    tx_NAME.onnx   written by plain torch.onnx.export(opset 13) (Cast / Constant / ConstantOfShape nodes included).
                   Its int32 biases are trunc(bias / (w_scale * in_scale)), so its reference output is "the file's
                   own semantics": the same converted module with every conv / linear float bias replaced by a
                   value that PyTorch's rounding, rne(f32(b * f32(1 / bias_scale))), maps exactly to the int32 the
                   file stores (checked channel by channel; the generator fails otherwise).
                   No tx_ file for: relu6, linear_relu, ff_add_scalar, ff_add_scalar_tie, ff_mul_scalar,
                   inverted_residual
                   (torch.onnx.export 1.13 cannot export quantized relu6 / linear_relu / add_scalar /
                   mul_scalar; MODELS.md lists them with PyTorch's message).

model_runs.qgf (format: qgf.py), one case per (file, input), named <file>_b<batch>[_<k>]:
    model str         pt_NAME or tx_NAME (the file tests/golden/models/<model>.onnx)
    input_shape i64   [N, C, H, W]
    input f32         the float32 NCHW input (seeded normal x 1.5, plus values well outside the calibration
                      range and negative values, so clamping and saturation are exercised)
    output_shape i64  the output's shape
    output f32        the module's output after DeQuantStub (torch.backends.quantized.engine = 'qnnpack')
A final `_totals` case holds `cases` and `elements` (output floats) so a test can prove it compared them all.

PyTorch behaviours worked around:
  * qnnpack's quantized relu6 / hardtanh / clamp scramble element order on channels-last inputs (every quantized
    conv output is channels-last): the models call .contiguous() before ReLU6 / Hardtanh (the exporter treats it
    as a no-op). The generator checks every relu / relu6 / hardtanh output against clamp(input integers,
    quantize(lo), quantize(hi)) and every hardswish / sigmoid output against QUANT_SEMANTICS.md's table formula,
    and fails if PyTorch's result differs.
  * add_scalar: PyTorch 1.13 computes c_q = rne(c / s) in double precision (c the Python float, s the input's
    q_scale), not rne(f32(c * f32(1 / s))) as quantize() does: they differ when c / s lies within about 1e-7 of
    a half-integer. ff_add_scalar_tie picks (after convert) a float32-exact c where the two differ and asserts that
    PyTorch follows the double formula; its output zero point is z - c_q. The other scalars are dyadic (exact
    in float32, far from ties).
  * avg_pool2d: only count_include_pad=True and no divisor_override (PyTorch's qnnpack path ignores both).
  * max_pool2d: no dilation together with padding (PyTorch's qnnpack path is wrong there).

Self-checks (nothing of them is written): onnx.checker on every file; every conv / linear output of each reference
module equals QUANT_SEMANTICS.md's integer formula computed with the int32 biases stored in the file
(check_layers_exact); and a small float numpy QDQ interpreter (run_onnx below) agrees with every reference output
to 1 output LSB.

Deterministic: every random number comes from seeded generators; a second run rewrites identical files.
"""
import copy
import io
import os
import sys

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(HERE)), "scripts"))
# export_pytorch re-executes this script with /usr/bin/python3 (python3-torch) when torch is missing.
from export_pytorch import export as export_pt, quantize_bias  # noqa: E402
from qgf import Writer  # noqa: E402

import numpy as np  # noqa: E402
import onnx  # noqa: E402
import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
from onnx import numpy_helper  # noqa: E402

from torch.ao.quantization import (DeQuantStub, QConfig, QuantStub, convert,  # noqa: E402
                                   default_per_channel_weight_observer, fuse_modules, get_default_qconfig, prepare)
from torch.ao.quantization.observer import HistogramObserver  # noqa: E402
import torch.ao.nn.quantized as nnq  # noqa: E402
import torch.nn.intrinsic.quantized as nniq  # noqa: E402

torch.backends.quantized.engine = "qnnpack"
OUT = os.path.join(HERE, "models")
FF = nn.quantized.FloatFunctional
PER_TENSOR = get_default_qconfig("qnnpack")
PER_CHANNEL = QConfig(activation=HistogramObserver.with_args(reduce_range=False),
                      weight=default_per_channel_weight_observer)


# ---------------------------------------------------------------------------------------------------------------
# Models

class Net(nn.Module):
    """QuantStub -> body(self, x) -> DeQuantStub, with the given layers as attributes."""

    def __init__(self, body, **layers):
        super().__init__()
        self.quant = QuantStub()
        self.dequant = DeQuantStub()
        for k, v in layers.items():
            setattr(self, k, v)
        self.body = body

    def forward(self, x):
        return self.dequant(self.body(self, self.quant(x)))


def seq(*names):
    """body applying the named layers in order."""
    def body(m, x):
        for n in names:
            x = getattr(m, n)(x)
        return x
    return body


def conv(cin, cout, k, **kw):
    return nn.Conv2d(cin, cout, k, **kw)


def bn(c, gain=1.0):
    b = nn.BatchNorm2d(c)
    with torch.no_grad():
        b.weight.copy_((torch.rand(c) + 0.5) * gain)
        b.bias.copy_(torch.randn(c) * 0.2)
        b.running_mean.copy_(torch.randn(c) * 0.2)
        b.running_var.copy_(torch.rand(c) + 0.5)
    return b


def resnet_body(m, x):
    y = m.c2(m.c1(x))
    return m.skip.add_relu(y, x)


def inverted_residual_body(m, x):
    y = m.r1(m.c1(x).contiguous())
    y = m.r2(m.c2(y).contiguous())
    return m.skip.add(x, m.c3(y))


def two_conv_body(op):
    def body(m, x):
        return getattr(m.f, op)(m.c1(x), m.c2(x))
    return body


def cat_body(m, x):
    return m.f.cat([m.c1(x), x, m.c2(x)], dim=1)


def add_scalar_body(m, x):
    y = m.f1.add_scalar(x, 0.25)          # zero point moves, integers unchanged
    y = m.f2.add_scalar(m.c1(y), 0.625)   # relu output zp 0: z - c_q < 0, scale grows, values requantized
    return m.f3.add_scalar(y, -0.375)


def add_scalar_tie_body(m, x):
    return m.f1.add_scalar(x, m.c_tie)  # c_tie: set after convert by pick_tie_scalar


def pick_tie_scalar(model):
    """A float32-exact c for which PyTorch's c_q = rne(c / s) (double) differs from rne(f32(c * f32(1 / s))),
    with c_q small enough that only the zero point moves. PyTorch must agree with the double formula."""
    s = np.float32(model.quant.scale.item())
    z = int(model.quant.zero_point.item())
    for k in range(3, 60):
        c = np.float32((k + 0.5) * float(s))
        for _ in range(16):
            by_double = int(np.rint(float(c) / float(s)))
            by_float = int(np.rint(np.float32(c * np.float32(np.float32(1) / s))))
            if by_double != by_float and 0 <= z - by_double <= 255 and 0 <= z - by_float <= 255:
                x = torch.quantize_per_tensor(torch.zeros(1), float(s), z, torch.quint8)
                got = z - torch.ops.quantized.add_scalar(x, float(c)).q_zero_point()
                assert got == by_double, (got, by_double, by_float)
                model.c_tie = float(c)
                return model
            c = np.nextafter(c, np.float32(np.inf), dtype=np.float32)
    raise AssertionError("no near-tie scalar found")


def mul_scalar_body(m, x):
    y = m.f1.mul_scalar(m.c1(x), 1.75)
    return m.f2.mul_scalar(y, -0.5)


def relu6_body(m, x):
    y = m.r0(x)                           # right after QuantStub: contiguous input
    return m.r1(m.c1(y).contiguous())     # conv output is channels-last: .contiguous() first


def hardtanh_body(m, x):
    return m.h2(m.c1(m.h1(x)).contiguous())


def flatten_body(m, x):
    return torch.flatten(m.c1(x), 1)


def linear_body(m, x):
    return m.fc(torch.flatten(x, 1))


def gap_body(m, x):
    return m.fc(torch.flatten(m.pool(m.c1(x)), 1))


# name -> (factory, qconfig, fuse list, input shape C,H,W, batch-2 run?)
def model_specs():
    specs = {}

    def add(name, factory, qconfig=PER_TENSOR, fuse=(), chw=(3, 8, 8), batch2=False):
        specs[name] = (factory, qconfig, list(fuse), chw, batch2)

    add("conv3x3", lambda: Net(seq("c1"), c1=conv(3, 4, 3, padding=1)), batch2=True)
    add("conv3x3_pc", lambda: Net(seq("c1"), c1=conv(3, 4, 3, padding=1)), PER_CHANNEL)
    add("conv_stride2", lambda: Net(seq("c1"), c1=conv(3, 5, 3, stride=2, padding=1)), PER_CHANNEL,
        chw=(3, 9, 9))
    add("conv_dilation2", lambda: Net(seq("c1"), c1=conv(2, 3, 3, dilation=2, padding=2)), chw=(2, 7, 7))
    add("conv1x1", lambda: Net(seq("c1"), c1=conv(4, 6, 1)), PER_CHANNEL, chw=(4, 5, 5))
    add("conv_grouped", lambda: Net(seq("c1"), c1=conv(4, 6, 3, padding=1, groups=2)), chw=(4, 6, 6))
    add("conv_dw3", lambda: Net(seq("c1"), c1=conv(4, 4, 3, padding=1, groups=4)), PER_CHANNEL, chw=(4, 8, 8),
        batch2=True)
    add("conv_dw5", lambda: Net(seq("c1"), c1=conv(3, 3, 5, stride=2, padding=2, groups=3)), chw=(3, 11, 11))
    add("conv_nobias", lambda: Net(seq("c1"), c1=conv(3, 4, 3, bias=False)), chw=(3, 6, 6))
    add("conv_k3x1", lambda: Net(seq("c1"), c1=conv(3, 4, (3, 1), stride=(2, 1), padding=(1, 0))),
        PER_CHANNEL, chw=(3, 7, 5))
    add("conv_bn_relu", lambda: Net(seq("c1", "b1", "r1"), c1=conv(3, 6, 3, padding=1), b1=bn(6), r1=nn.ReLU()),
        PER_CHANNEL, fuse=[["c1", "b1", "r1"]], batch2=True)
    add("conv_bn", lambda: Net(seq("c1", "b1"), c1=conv(3, 4, 3, stride=2), b1=bn(4)), fuse=[["c1", "b1"]],
        chw=(3, 12, 12))
    add("linear", lambda: Net(linear_body, fc=nn.Linear(3 * 5 * 5, 6)), chw=(3, 5, 5), batch2=True)
    add("linear_relu", lambda: Net(linear_body, fc=nn.Sequential(nn.Linear(2 * 4 * 4, 7), nn.ReLU())),
        PER_CHANNEL, fuse=[["fc.0", "fc.1"]], chw=(2, 4, 4))
    for op in ("add", "add_relu", "mul"):
        add("ff_" + op, lambda op=op: Net(two_conv_body(op), c1=conv(3, 4, 3, padding=1), c2=conv(3, 4, 1),
                                          f=FF()), chw=(3, 6, 6))
    add("ff_cat", lambda: Net(cat_body, c1=conv(3, 2, 3, padding=1), c2=conv(3, 3, 1), f=FF()), chw=(3, 6, 6))
    add("ff_add_scalar", lambda: Net(add_scalar_body, c1=nn.Sequential(conv(3, 4, 3, padding=1), nn.ReLU()),
                                     f1=FF(), f2=FF(), f3=FF()), fuse=[["c1.0", "c1.1"]], chw=(3, 6, 6))
    add("ff_add_scalar_tie", lambda: Net(add_scalar_tie_body, f1=FF(), c_tie=0.0), chw=(2, 4, 4))
    add("ff_mul_scalar", lambda: Net(mul_scalar_body, c1=conv(3, 4, 3, padding=1), f1=FF(), f2=FF()),
        chw=(3, 6, 6))
    add("maxpool", lambda: Net(seq("c1", "p1", "p2"), c1=conv(3, 4, 3, padding=1),
                               p1=nn.MaxPool2d(3, stride=2, padding=1), p2=nn.MaxPool2d(2, ceil_mode=True)),
        chw=(3, 10, 10))
    add("avgpool", lambda: Net(seq("c1", "p1", "p2"), c1=conv(3, 4, 3, padding=1),
                               p1=nn.AvgPool2d(3, stride=2, padding=1), p2=nn.AvgPool2d(2)), chw=(3, 10, 10))
    add("gap_linear", lambda: Net(gap_body, c1=conv(3, 5, 3, padding=1), pool=nn.AdaptiveAvgPool2d(1),
                                  fc=nn.Linear(5, 3)), batch2=True)
    add("hardswish", lambda: Net(seq("c1", "a1"), c1=conv(3, 4, 3, padding=1), a1=nn.Hardswish()))
    add("sigmoid", lambda: Net(seq("c1", "a1"), c1=conv(3, 4, 3, padding=1), a1=nn.Sigmoid()))
    add("relu6", lambda: Net(relu6_body, r0=nn.ReLU6(), c1=conv(3, 4, 3, padding=1), r1=nn.ReLU6()))
    add("hardtanh", lambda: Net(hardtanh_body, h1=nn.Hardtanh(-0.5, 0.8), c1=conv(3, 4, 3, padding=1),
                                h2=nn.Hardtanh(-1.0, 0.5)))
    add("relu", lambda: Net(seq("r0", "c1", "r1"), r0=nn.ReLU(), c1=conv(3, 4, 3, padding=1), r1=nn.ReLU()))
    add("flatten", lambda: Net(flatten_body, c1=conv(3, 2, 3)), chw=(3, 5, 5))
    add("resnet_block", lambda: Net(resnet_body, c1=nn.Sequential(conv(4, 4, 3, padding=1), bn(4), nn.ReLU()),
                                    c2=nn.Sequential(conv(4, 4, 3, padding=1), bn(4)), skip=FF()),
        fuse=[["c1.0", "c1.1", "c1.2"], ["c2.0", "c2.1"]], chw=(4, 8, 8), batch2=True)
    add("inverted_residual", lambda: Net(inverted_residual_body, c1=nn.Sequential(conv(4, 8, 1), bn(8, 3.0)),
                                         r1=nn.ReLU6(),
                                         c2=nn.Sequential(conv(8, 8, 3, padding=1, groups=8), bn(8, 3.0)),
                                         r2=nn.ReLU6(), c3=nn.Sequential(conv(8, 4, 1), bn(4)), skip=FF()),
        PER_CHANNEL, fuse=[["c1.0", "c1.1"], ["c2.0", "c2.1"], ["c3.0", "c3.1"]], chw=(4, 6, 6))
    add("quant_only", lambda: Net(seq()), chw=(2, 5, 5), batch2=True)
    return specs


def build(name, spec):
    factory, qconfig, fuse, chw, _ = spec
    torch.manual_seed(sum(map(ord, name)))
    net = factory().eval()
    if fuse:
        net = fuse_modules(net, fuse)
    net.qconfig = qconfig
    prepared = prepare(net)
    gen = torch.Generator().manual_seed(1000 + sum(map(ord, name)))
    with torch.no_grad():
        for _ in range(4):
            prepared(torch.randn(2, *chw, generator=gen))
    converted = convert(prepared).eval()
    return pick_tie_scalar(converted) if name == "ff_add_scalar_tie" else converted


def make_input(name, n, chw, k=0):
    """Seeded normal * 1.5, with about one value in eight pushed far outside the calibration range."""
    gen = torch.Generator().manual_seed(5000 + 17 * n + 101 * k + sum(map(ord, name)))
    x = torch.randn(n, *chw, generator=gen) * 1.5
    far = torch.rand(n, *chw, generator=gen) < 0.125
    sign = torch.where(torch.rand(n, *chw, generator=gen) < 0.5, -1.0, 1.0)
    return torch.where(far, sign * (4.0 + 4.0 * torch.rand(n, *chw, generator=gen)), x)


# ---------------------------------------------------------------------------------------------------------------
# Checks of PyTorch's own results (no PyTorch bugs in the references)

def trace_values(model, x):
    gm = torch.fx.symbolic_trace(model)
    values = {}

    class Recorder(torch.fx.Interpreter):
        def run_node(self, n):
            values[n] = super().run_node(n)
            return values[n]

    with torch.no_grad():
        Recorder(gm).run(x)
    return gm, values


def quantize_scalar(v, scale, zp):
    r = np.rint(np.float32(np.float32(v) * np.float32(np.float32(1.0) / np.float32(scale))))
    return int(np.clip(np.float32(zp) + r, 0, 255))


def expected_unary(kind, q, s, z, out_s, out_z, lo=None, hi=None):
    if kind == "clamp":
        return np.clip(q, quantize_scalar(lo, s, z), quantize_scalar(hi, s, z))
    codes = np.arange(256)
    x = (np.float32(s) * (codes - z).astype(np.float32)).astype(np.float32)
    if kind == "hardswish":
        h = (x * np.minimum(np.maximum(x + np.float32(3), 0), 6).astype(np.float32)).astype(np.float32) / 6
        v = (np.float32(np.float32(1) / np.float32(out_s)) * h.astype(np.float32)).astype(np.float32)
        table = np.rint(np.clip((v + np.float32(out_z)).astype(np.float32), 0, 255))
    else:  # sigmoid
        e = np.exp(-x.astype(np.float32)).astype(np.float32)
        table = np.rint(np.clip((np.float32(256) / (np.float32(1) + e).astype(np.float32)).astype(np.float32),
                                0, 255))
    return table.astype(np.int64)[q]


def check_elementwise_ops(name, model, x):
    """Every relu / relu6 / hardtanh / hardswish / sigmoid output of PyTorch must be the correct function of its
    input, element by element (this is where qnnpack scrambles channels-last inputs)."""
    gm, values = trace_values(model, x)
    modules = dict(gm.named_modules())
    for n in gm.graph.nodes:
        if n.op != "call_module":
            continue
        m = modules[n.target]
        if isinstance(m, (nnq.ReLU6, nn.ReLU6)):
            kind, lo, hi = "clamp", 0.0, 6.0
        elif isinstance(m, nn.Hardtanh):
            kind, lo, hi = "clamp", m.min_val, m.max_val
        elif isinstance(m, nn.ReLU):
            kind, lo, hi = "clamp", 0.0, 1e30
        elif isinstance(m, nnq.Hardswish):
            kind, lo, hi = "hardswish", None, None
        elif isinstance(m, nn.Sigmoid):
            kind, lo, hi = "sigmoid", None, None
        else:
            continue
        a, y = values[n.args[0]], values[n]
        want = expected_unary(kind, a.int_repr().numpy().astype(np.int64), a.q_scale(), a.q_zero_point(),
                              y.q_scale(), y.q_zero_point(), lo, hi)
        got = y.int_repr().numpy().astype(np.int64)
        if not np.array_equal(want, got):
            raise AssertionError("%s: PyTorch's %s (%s) differs from the correct result at %d of %d elements"
                                 % (name, n.target, kind, int((want != got).sum()), want.size))


# ---------------------------------------------------------------------------------------------------------------
# tx_ files: torch.onnx.export and its own semantics

def torch_export(model, x):
    buffer = io.BytesIO()
    torch.onnx.export(model, (x,), buffer, opset_version=13, input_names=["input"], output_names=["output"],
                      dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}})
    return buffer.getvalue()


def constants(graph):
    values = {t.name: numpy_helper.to_array(t) for t in graph.initializer}
    for n in graph.node:
        if n.op_type == "Constant":
            values[n.output[0]] = numpy_helper.to_array(n.attribute[0].t)
    return values


def stored_biases(model):
    """The int32 bias (or None) of every Conv / Gemm node of a torch.onnx.export file, in file order."""
    g = model.graph
    consts = constants(g)
    producer = {o: n for n in g.node for o in n.output}
    out = []
    for n in g.node:
        if n.op_type not in ("Conv", "Gemm"):
            continue
        if len(n.input) < 3 or not n.input[2]:
            out.append(None)
            continue
        dq = producer[n.input[2]]
        assert dq.op_type == "DequantizeLinear", dq.op_type
        src = dq.input[0]
        while src not in consts:
            src = producer[src].input[0]
        out.append(consts[src].astype(np.int64).reshape(-1))
    return out


def bias_reproducing(target, bias_scale):
    """A float32 b with rne(f32(b * f32(1 / bias_scale))) == target: start at target * bias_scale and walk
    float32 neighbours."""
    b = np.float32(np.float32(target) * bias_scale)
    for _ in range(64):
        got = int(quantize_bias(np.array([b]), np.array([bias_scale]))[0])
        if got == target:
            return b
        b = np.nextafter(b, np.float32(np.inf if got < target else -np.inf), dtype=np.float32)
    raise AssertionError("no float bias reproduces int32 %d with bias scale %r" % (target, bias_scale))


def tx_reference_model(name, model, x, tx_model):
    """The converted module with biases replaced so that PyTorch's rounding yields the file's int32 biases."""
    model = copy.deepcopy(model)
    gm, values = trace_values(model, x)
    modules = dict(gm.named_modules())
    layers = [n for n in gm.graph.nodes if n.op == "call_module" and isinstance(modules[n.target],
                                                                                (nnq.Conv2d, nnq.Linear))]
    stored = stored_biases(tx_model)
    assert len(stored) == len(layers), (name, len(stored), len(layers))
    changed = 0
    for n, target in zip(layers, stored):
        m = modules[n.target]
        bias = m.bias()
        if bias is None:
            assert target is None or not target.any(), name
            continue
        w = m.weight()
        in_scale = np.float32(values[n.args[0]].q_scale())
        if w.qscheme() in (torch.per_channel_affine, torch.per_channel_symmetric):
            w_scales = w.q_per_channel_scales().numpy().astype(np.float32)
        else:
            w_scales = np.full(bias.shape, np.float32(w.q_scale()), np.float32)
        bias_scale = (w_scales * in_scale).astype(np.float32)
        new = np.array([bias_reproducing(int(t), s) for t, s in zip(target, bias_scale)], np.float32)
        assert np.array_equal(quantize_bias(new, bias_scale), target), name  # fail loudly
        changed += int((quantize_bias(bias.detach().numpy(), bias_scale) != target).sum())
        m.set_weight_bias(w, torch.from_numpy(new))
    # The module and the file now share one dependency-free description of the biases. (The real module is
    # found via the qualified name, so patch it there too.)
    for n in layers:
        real = model.get_submodule(n.target)
        fx = modules[n.target]
        if fx.bias() is not None:
            real.set_weight_bias(fx.weight(), fx.bias())
    return model, changed


def check_layers_exact(fname, model, x, proto):
    """Every conv / linear output of the reference module must equal QUANT_SEMANTICS.md's integer formula computed
    with the int32 biases stored in the file: this proves that the file's biases are the ones PyTorch used."""
    gm, values = trace_values(model, x)
    modules = dict(gm.named_modules())
    layers = [n for n in gm.graph.nodes if n.op == "call_module" and isinstance(modules[n.target],
                                                                                (nnq.Conv2d, nnq.Linear))]
    stored = stored_biases(proto)
    assert len(stored) == len(layers), fname
    for n, bias in zip(layers, stored):
        m, a, y = modules[n.target], values[n.args[0]], values[n]
        w = m.weight()
        wq = w.int_repr().numpy().astype(np.int64)
        if w.qscheme() in (torch.per_channel_affine, torch.per_channel_symmetric):
            ws = w.q_per_channel_scales().numpy().astype(np.float32)
            wz = w.q_per_channel_zero_points().numpy().astype(np.int64)
        else:
            ws = np.full(wq.shape[0], np.float32(w.q_scale()), np.float32)
            wz = np.full(wq.shape[0], w.q_zero_point(), np.int64)
        wq = wq - wz.reshape((-1,) + (1,) * (wq.ndim - 1))
        xq = a.int_repr().numpy().astype(np.int64) - a.q_zero_point()
        if isinstance(m, nnq.Linear):
            acc = xq @ wq.T
        else:
            ph, pw = m.padding
            xp = np.pad(xq, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
            win = _windows(xp, wq.shape[2], wq.shape[3], *m.stride, *m.dilation)
            cin_g, cout_g = wq.shape[1], wq.shape[0] // m.groups
            acc = np.concatenate([np.einsum("nckl...,ockl->no...", win[:, g * cin_g:(g + 1) * cin_g],
                                            wq[g * cout_g:(g + 1) * cout_g]) for g in range(m.groups)], axis=1)
        shape = (1, -1) + (1,) * (acc.ndim - 2)
        if bias is not None:
            acc = acc + bias.reshape(shape)
        mult = ((ws * np.float32(a.q_scale())).astype(np.float32) *
                np.float32(np.float32(1) / np.float32(m.scale))).astype(np.float32).reshape(shape)
        r = np.rint((acc.astype(np.float32) * mult).astype(np.float32)) + m.zero_point
        lo = m.zero_point if isinstance(m, (nniq.ConvReLU2d, nniq.LinearReLU)) else 0
        want = np.clip(r, lo, 255).astype(np.int64)
        got = y.int_repr().numpy().astype(np.int64)
        if not np.array_equal(want, got):
            raise AssertionError("%s: layer %s: PyTorch differs from the integer formula with the file's biases at "
                                 "%d of %d outputs" % (fname, n.target, int((want != got).sum()), want.size))


# ---------------------------------------------------------------------------------------------------------------
# A small float numpy QDQ interpreter (sanity check only)

def _pads_apply(x, pads, value):
    ph0, pw0, ph1, pw1 = pads
    return np.pad(x, ((0, 0), (0, 0), (ph0, ph1), (pw0, pw1)), constant_values=value)


def _windows(x, kh, kw, sh, sw, dh, dw, oh=None, ow=None):
    n, c, h, w = x.shape
    if oh is None:
        oh = (h - dh * (kh - 1) - 1) // sh + 1
        ow = (w - dw * (kw - 1) - 1) // sw + 1
    out = np.zeros((n, c, kh, kw, oh, ow), x.dtype)
    for i in range(kh):
        for j in range(kw):
            out[:, :, i, j] = x[:, :, i * dh: i * dh + sh * (oh - 1) + 1: sh, j * dw: j * dw + sw * (ow - 1) + 1: sw]
    return out


def _attr(node, name, default=None):
    for a in node.attribute:
        if a.name == name:
            return onnx.helper.get_attribute_value(a)
    return default


def _axis_shape(arr, x, axis):
    if arr.ndim == 0 or arr.size == 1:
        return arr.reshape(())
    shape = [1] * x.ndim
    shape[axis] = arr.size
    return arr.reshape(shape)


def run_onnx(model, x):
    """Float QDQ semantics, computed in float64 (close to PyTorch's integer results, not equal)."""
    env = constants(model.graph)
    env["input"] = x.astype(np.float64)
    for n in model.graph.node:
        i = [env[k] if k else None for k in n.input]
        op = n.op_type
        if op == "Constant":
            continue
        if op == "QuantizeLinear":
            s, z = i[1].astype(np.float64), i[2]
            axis = _attr(n, "axis", 1)
            y = np.rint(i[0] / _axis_shape(s, i[0], axis)) + _axis_shape(z, i[0], axis)
            info = np.iinfo(z.dtype)
            y = np.clip(y, info.min, info.max).astype(z.dtype)
        elif op == "DequantizeLinear":
            axis = _attr(n, "axis", 1)
            s = _axis_shape(i[1].astype(np.float64), i[0], axis)
            z = _axis_shape(i[2].astype(np.int64), i[0], axis) if len(i) > 2 and i[2] is not None else 0
            y = (i[0].astype(np.int64) - z) * s
        elif op == "Cast":
            y = i[0].astype(onnx.mapping.TENSOR_TYPE_TO_NP_TYPE[_attr(n, "to")])
        elif op == "ConstantOfShape":
            v = _attr(n, "value")
            y = np.full(tuple(i[0]), numpy_helper.to_array(v).reshape(-1)[0] if v is not None else 0.0)
        elif op == "Conv":
            w = i[1]
            g = _attr(n, "group", 1)
            sh, sw = _attr(n, "strides", [1, 1])
            dh, dw = _attr(n, "dilations", [1, 1])
            xp = _pads_apply(i[0], _attr(n, "pads", [0, 0, 0, 0]), 0.0)
            win = _windows(xp, w.shape[2], w.shape[3], sh, sw, dh, dw)
            cin_g, cout_g = w.shape[1], w.shape[0] // g
            outs = [np.einsum("nckl...,ockl->no...", win[:, k * cin_g:(k + 1) * cin_g],
                              w[k * cout_g:(k + 1) * cout_g]) for k in range(g)]
            y = np.concatenate(outs, axis=1)
            if len(i) > 2 and i[2] is not None:
                y = y + i[2].reshape(1, -1, 1, 1)
        elif op == "Gemm":
            b = i[1].T if _attr(n, "transB", 0) else i[1]
            y = i[0] @ b + (i[2] if len(i) > 2 and i[2] is not None else 0)
        elif op == "Relu":
            y = np.maximum(i[0], 0)
        elif op == "Clip":
            y = np.clip(i[0], i[1], i[2])
        elif op in ("Add", "Mul"):
            y = i[0] + i[1] if op == "Add" else i[0] * i[1]
        elif op == "Concat":
            y = np.concatenate(i, axis=_attr(n, "axis"))
        elif op in ("MaxPool", "AveragePool"):
            kh, kw = _attr(n, "kernel_shape")
            sh, sw = _attr(n, "strides", [1, 1])
            dh, dw = _attr(n, "dilations", [1, 1])
            pads = list(_attr(n, "pads", [0, 0, 0, 0]))
            h, w_ = i[0].shape[2:]
            rnd = np.ceil if _attr(n, "ceil_mode", 0) else np.floor
            oh = int(rnd((h + pads[0] + pads[2] - dh * (kh - 1) - 1) / sh)) + 1
            ow = int(rnd((w_ + pads[1] + pads[3] - dw * (kw - 1) - 1) / sw)) + 1
            extra_h = max(0, (oh - 1) * sh + dh * (kh - 1) + 1 - (h + pads[0] + pads[2]))
            extra_w = max(0, (ow - 1) * sw + dw * (kw - 1) + 1 - (w_ + pads[1] + pads[3]))
            pads[2] += extra_h
            pads[3] += extra_w
            if op == "MaxPool":
                y = _windows(_pads_apply(i[0], pads, -np.inf), kh, kw, sh, sw, dh, dw, oh, ow).max(axis=(2, 3))
            else:
                assert not extra_h and not extra_w
                y = _windows(_pads_apply(i[0], pads, 0.0), kh, kw, sh, sw, dh, dw, oh, ow).sum(axis=(2, 3))
                if _attr(n, "count_include_pad", 0) or not any(pads):
                    y = y / (kh * kw)
                else:
                    ones = _pads_apply(np.ones_like(i[0][:1, :1]), pads, 0.0)
                    y = y / _windows(ones, kh, kw, sh, sw, dh, dw, oh, ow).sum(axis=(2, 3))
        elif op == "Pad":
            assert _attr(n, "mode", b"constant") in (b"constant", "constant")
            p = [int(v) for v in i[1]]
            r = i[0].ndim
            value = i[2].reshape(()) if len(i) > 2 and i[2] is not None else 0
            y = np.pad(i[0], [(p[k], p[k + r]) for k in range(r)], constant_values=value)
        elif op == "GlobalAveragePool":
            y = i[0].mean(axis=(2, 3), keepdims=True)
        elif op == "HardSwish":
            y = i[0] * np.clip(i[0] / 6 + 0.5, 0, 1)
        elif op == "HardSigmoid":
            y = np.clip(i[0] * _attr(n, "alpha", 0.2) + _attr(n, "beta", 0.5), 0, 1)
        elif op == "Sigmoid":
            y = 1 / (1 + np.exp(-i[0]))
        elif op == "Flatten":
            axis = _attr(n, "axis", 1)
            y = i[0].reshape(int(np.prod(i[0].shape[:axis])), -1)
        elif op == "Reshape":
            y = i[0].reshape([d if d else i[0].shape[k] for k, d in enumerate(i[1])])
        else:
            raise NotImplementedError(op)
        env[n.output[0]] = y
    return env["output"].astype(np.float32)


def last_scale(model):
    """Scale of the final DequantizeLinear (one output LSB)."""
    g = model.graph
    consts = constants(g)
    dq = [n for n in g.node if n.output[0] == "output"][0]
    src = dq.input[1]
    producer = {o: n for n in g.node for o in n.output}
    while src not in consts:
        src = producer[src].input[0]
    return float(np.max(consts[src]))


# ---------------------------------------------------------------------------------------------------------------

def main():
    os.makedirs(OUT, exist_ok=True)
    for f in os.listdir(OUT):
        if f.startswith(("pt_", "tx_")) and f.endswith(".onnx"):
            os.remove(os.path.join(OUT, f))
    specs = model_specs()
    runs = []        # (file, input, output)
    listing = []     # MODELS.md rows
    skipped = []
    for name, spec in specs.items():
        chw, batch2 = spec[3], spec[4]
        model = build(name, spec)
        inputs = [make_input(name, 1, chw)] + ([make_input(name, 2, chw)] if batch2 else [])
        for x in inputs:
            check_elementwise_ops(name, model, x)
        contents = describe(model)

        pt_proto = export_pt(model, inputs[0], os.path.join(OUT, "pt_%s.onnx" % name))
        files = [("pt_" + name, pt_proto, model)]
        try:
            data = torch_export(model, inputs[0])
        except Exception as e:  # noqa: BLE001 - any export failure means "no tx_ file"
            skipped.append((name, str(e).splitlines()[0][:120]))
            data = None
        if data is not None:
            tx_proto = onnx.load_from_string(data)
            onnx.checker.check_model(tx_proto)
            ref, changed = tx_reference_model(name, model, inputs[0], tx_proto)
            with open(os.path.join(OUT, "tx_%s.onnx" % name), "wb") as f:
                f.write(data)
            files.append(("tx_" + name, tx_proto, ref))
            print("tx_%s: %d bias value(s) differ from PyTorch's rounding" % (name, changed))
        for fname, proto, ref in files:
            size = os.path.getsize(os.path.join(OUT, fname + ".onnx"))
            assert size < 50 * 1024, (fname, size)
            listing.append((fname, contents, proto.opset_import[0].version, len(proto.graph.node), size))
            for x in inputs:
                with torch.no_grad():
                    y = ref(x)
                runs.append((fname, x, y))
                check_layers_exact(fname, ref, x, proto)
                got = run_onnx(proto, x.numpy())
                lsb = last_scale(proto)
                err = np.abs(got - y.numpy()).max() / lsb if y.numel() else 0.0
                assert got.shape == tuple(y.shape), (fname, got.shape, y.shape)
                assert err <= 1.0001, "%s: numpy QDQ interpreter differs by %.2f LSB" % (fname, err)
    write_runs(runs)
    write_listing(listing, skipped)
    for name, why in skipped:
        print("no tx_%s: %s" % (name, why))


def describe(model):
    """The converted model's operations in execution order, e.g. "Conv2d(3->4 k3x3 s1x1 p1x1 d1x1 g1 pc), add"."""
    gm = torch.fx.symbolic_trace(model)
    modules = dict(gm.named_modules())
    parts = []
    for n in gm.graph.nodes:
        if n.op == "call_module":
            m = modules[n.target]
            kind = type(m).__name__.replace("Quantized", "")
            if isinstance(m, (nnq.Conv2d, nnq.Linear)):
                w = m.weight()
                pc = "pc" if w.qscheme() in (torch.per_channel_affine, torch.per_channel_symmetric) else "pt"
                nobias = "" if m.bias() is not None else " nobias"
                if isinstance(m, nnq.Linear):
                    parts.append("%s(%d->%d %s%s)" % (kind, m.in_features, m.out_features, pc, nobias))
                else:
                    geometry = " ".join(k + "x".join(map(str, v)) for k, v in (
                        ("k", m.kernel_size), ("s", m.stride), ("p", m.padding), ("d", m.dilation)))
                    parts.append("%s(%d->%d %s g%d %s%s)" % (kind, m.in_channels, m.out_channels, geometry,
                                                             m.groups, pc, nobias))
            elif isinstance(m, nn.Hardtanh) and not isinstance(m, nn.ReLU6):
                parts.append("Hardtanh(%g, %g)" % (m.min_val, m.max_val))
            elif isinstance(m, (nn.MaxPool2d, nn.AvgPool2d)):
                parts.append("%s(k%s s%s p%s%s)" % (kind, m.kernel_size, m.stride, m.padding,
                                                    " ceil" if m.ceil_mode else ""))
            elif not isinstance(m, nn.Identity):
                parts.append(kind)
        elif n.op == "call_function":
            name = getattr(n.target, "__name__", str(n.target))
            scalar = "(%.9g)" % n.args[1] if name in ("add_scalar", "mul_scalar") else ""
            parts.append(name + scalar)
    return ", ".join(parts)


def write_runs(runs):
    w = Writer(os.path.join(HERE, "model_runs.qgf"), "model_runs.qgf " + __doc__.split("model_runs.qgf ")[1]
               .split("PyTorch behaviours")[0].strip())
    elements = 0
    seen = {}
    for fname, x, y in runs:
        key = "%s_b%d" % (fname, x.shape[0])
        k = seen.get(key, 0)
        seen[key] = k + 1
        w.case(key + ("_%d" % k if k else ""), model=("str", fname), input_shape=("i64", x.shape),
               input=("f32", x.reshape(-1).tolist()), output_shape=("i64", y.shape),
               output=("f32", y.reshape(-1).tolist()))
        elements += y.numel()
    w.case("_totals", cases=("i64", [len(runs)]), elements=("i64", [elements]))
    w.close()
    size = os.path.getsize(os.path.join(HERE, "model_runs.qgf"))
    print("model_runs.qgf: %d cases, %d output elements, %d bytes" % (len(runs), elements, size))
    assert size < 1.5 * 1024 * 1024


def write_listing(listing, skipped):
    lines = ["# Model fixtures", "",
             "Written by `tests/golden/generate_model_fixtures.py` (do not edit); runs and reference outputs are in",
             "`tests/golden/model_runs.qgf`. `pt_` files come from `scripts/export_pytorch.py` (PyTorch's exact",
             "semantics, classic QDQ), `tx_` files from plain `torch.onnx.export` (opset 13, truncated int32 biases;",
             "their references use biases that reproduce the stored integers). pt = per-tensor weights,",
             "pc = per-channel weights; conv geometry as k(ernel) s(tride) p(adding) d(ilation) g(roups).", "",
             "| file | contents (after convert) | opset | nodes | bytes |", "|---|---|---|---|---|"]
    for fname, contents, opset, nodes, size in listing:
        lines.append("| %s.onnx | %s | %d | %d | %d |" % (fname, contents or "QuantStub, DeQuantStub only",
                                                            opset, nodes, size))
    lines += ["", "No `tx_` file (torch.onnx.export 1.13 fails):", ""]
    lines += ["- %s: %s" % (n, why.replace("|", "/")) for n, why in skipped]
    with open(os.path.join(OUT, "MODELS.md"), "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
