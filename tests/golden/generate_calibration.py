#!/usr/bin/env python3
"""Golden fixtures for qwasm's Calibrator (post-training quantization in the browser, issue #6): small float models
built in PyTorch, fused with fuse_modules, exported to float ONNX, and calibrated in PyTorch 1.13 eager mode (engine
qnnpack) on seeded batches, so that a calibrator fed the float file and the same batches must reproduce PyTorch's
converted model bit for bit (every activation scale / zero point, and the int8 outputs on fresh inputs).

    /usr/bin/python3 tests/golden/generate_calibration.py   # rewrites tests/golden/calibration/*.onnx and
                                                              # tests/golden/calibration_runs.qgf

Files per case NAME (tests/golden/calibration/, see README.md there):
    NAME.float.onnx  torch.onnx.export (opset 13, do_constant_folding=True, input "input" [batch, C, H, W], output
                     "output") of the FUSED float model: fuse_modules on the eval model (conv+bn(+relu) ->
                     Conv2d / ConvReLU2d with BN folded, linear+relu -> LinearReLU); QuantStub / DeQuantStub are
                     identities in float. The initializers are exactly PyTorch's fused float weights (checked).
    NAME.pt.onnx     the same fused model prepared with the case's qconfig, calibrated on the case's batches (in
                     order), converted, and written by scripts/export_pytorch.py (classic QDQ, PyTorch's rounding).

calibration_runs.qgf (format: qgf.py), one case per NAME:
    model str          NAME
    activation str     histogram | minmax | moving_average   (HistogramObserver / MinMaxObserver /
                       MovingAverageMinMaxObserver, quint8 affine, reduce_range False, PyTorch's defaults otherwise)
    weight str         minmax (MinMaxObserver qint8 per_tensor_symmetric = default_weight_observer) |
                       per_channel_minmax (PerChannelMinMaxObserver qint8 per_channel_symmetric, ch_axis 0)
    batch_shape i64    one calibration batch's shape [N, C, H, W]
    batches f32        all calibration batches concatenated (fed to the observers in this order)
    input_shape i64    fresh input (not calibration data; includes values outside the calibrated range)
    input f32
    output_shape i64
    output f32         PyTorch's converted model's output on `input` (torch.backends.quantized.engine = qnnpack)
    qparams f64        the distinct (scale, zero_point) pairs of every uint8 QuantizeLinear of NAME.pt.onnx, flat
                       [scale0, zp0, scale1, zp1, ...] sorted by (scale, zp); scales are float32 values widened
                       to double.

The dyadic trick (why a calibrator CAN match bit for bit): observers see FLOAT activations, and a runtime's float
kernels sum in another order than PyTorch's, so one ulp in a max would move a scale. After fusion every conv / linear
weight is overwritten with k * 2^-3 (k integer in [-4, 4]; the first layer k * 2^-4 in [-8, 8]), every bias with
m * 2^-4, every calibration value is j * 2^-5 (|j| <= 64), and the models only divide by powers of two (2x2
AvgPool, GlobalAveragePool over a 4x4 plane). Then every product and partial sum is an integer multiple of a common
grid 2^-e and the generator proves (forward hooks on the float model, every calibration batch) that the sum of the
absolute values of the terms of every dot product / pooling window stays below 2^24 grid units: every float32
activation is exact whatever the summation order. Ops that are not exact (hardswish's division by 6, then add and
mul of its result) are single elementwise float32 operations, correctly rounded, so order-free too; sigmoid (libm
expf) is last before DeQuantStub, and its float value is never observed (fixed qparams 1/256, 0).

PyTorch facts checked here (the generator fails otherwise):
  * torch.nn.functional.hardswish (float32 CPU, scalar and vectorized paths) computes
    f32(f32(x * min(max(f32(x + 3), 0), 6)) / 6) -- NOT ONNX HardSwish's x * max(0, min(1, x / 6 + 0.5)), nor
    x * (relu6(x + 3) / 6). At opset 13 torch.onnx.export writes nn.Hardswish as HardSigmoid(alpha=1/6, beta=0.5)
    + Mul(x, .): a calibrator must recognise that pair as hardswish and evaluate it in PyTorch's order.
  * eager-mode prepare() puts observers on: QuantStub, every fused conv / linear module (after its ReLU), every
    FloatFunctional (add / mul / cat output), nn.Hardswish -- and on nn.ReLU6 too, whose observer convert() ignores
    (quantized relu6 keeps its input's qparams). No observer on MaxPool2d, AvgPool2d, AdaptiveAvgPool2d, Flatten,
    Sigmoid (fixed 1/256, 0), DeQuantStub.
  * every observer's statistics in the prepared model equal the ones recomputed from the float model's own
    activations (forward hooks), so the placement above is complete.

Self-checks (nothing of them is written): onnx.checker on every file; the float file's initializers are the fused
model's parameters bit for bit and its ops are the allowed list; the numpy QDQ interpreter of
generate_model_fixtures.py agrees with PyTorch's converted output to 1 LSB and runs the float file close to
PyTorch's float output; PyTorch's relu6 / hardswish / sigmoid outputs are the correct functions of their inputs
(check_elementwise_ops: qnnpack scrambles channels-last relu6, hence .contiguous() before ReLU6); and an independent
calibrator (check_rule_on_float_file): fresh PyTorch observers fed with the FLOAT FILE's tensors at the places the
issue's rule names (numpy interpreter) give exactly the pt file's qparams -- every case but hardswish_sigmoid (the
interpreter computes in float64 with ONNX's hardswish formula).

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
from export_pytorch import export as export_pt  # noqa: E402
from qgf import Writer  # noqa: E402
from generate_model_fixtures import Net, check_elementwise_ops, last_scale, run_onnx  # noqa: E402

import numpy as np  # noqa: E402
import onnx  # noqa: E402
import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
from onnx import numpy_helper  # noqa: E402
from torch.ao.quantization import (QConfig, convert, default_per_channel_weight_observer,  # noqa: E402
                                   default_weight_observer, fuse_modules, prepare)
from torch.ao.quantization.observer import (HistogramObserver, MinMaxObserver,  # noqa: E402
                                            MovingAverageMinMaxObserver)

torch.backends.quantized.engine = "qnnpack"
OUT = os.path.join(HERE, "calibration")
FF = nn.quantized.FloatFunctional
ACTIVATIONS = {"histogram": HistogramObserver.with_args(reduce_range=False),
               "minmax": MinMaxObserver.with_args(reduce_range=False),
               "moving_average": MovingAverageMinMaxObserver.with_args(reduce_range=False)}
WEIGHTS = {"minmax": default_weight_observer, "per_channel_minmax": default_per_channel_weight_observer}
FLOAT_OPS = {"Conv", "Gemm", "MatMul", "Relu", "Clip", "Add", "Mul", "Concat", "MaxPool", "AveragePool",
             "GlobalAveragePool", "Flatten", "Reshape", "HardSwish", "HardSigmoid", "Sigmoid", "Identity",
             "Constant"}  # Constant: the exporter writes Clip's min / max (ReLU6) as Constant nodes
GRID_LIMIT = 2.0 ** 24


# ---------------------------------------------------------------------------------------------------------------
# Models (bodies take the Net and the QuantStub output)

def conv_chain_body(m, x):
    y = m.p1(m.c1(x))
    y = m.p2(m.c2(y))
    return m.fc(torch.flatten(y, 1))


def inverted_residual_body(m, x):
    y = m.r1(m.c1(x).contiguous())      # qnnpack's relu6 scrambles channels-last inputs: contiguous first
    y = m.r2(m.c2(y).contiguous())
    return m.skip.add(x, m.c3(y))


def cat_pool_body(m, x):
    y = m.f.cat([m.b1(x), m.b2(x)], dim=1)
    y = m.gap(m.pool(y))
    return m.fc(torch.flatten(y, 1))


def hardswish_sigmoid_body(m, x):
    y = m.pool(m.hs(m.c1(x)))
    z = m.c2(x)
    return m.sig(m.f2.mul(m.f1.add(y, z), z))


def conv_bn(cin, cout, k, **kw):
    return nn.Sequential(nn.Conv2d(cin, cout, k, **kw), nn.BatchNorm2d(cout))


def conv_bn_relu(cin, cout, k, **kw):
    return nn.Sequential(nn.Conv2d(cin, cout, k, **kw), nn.BatchNorm2d(cout), nn.ReLU())


def conv_chain():
    return Net(conv_chain_body, c1=conv_bn_relu(3, 8, 3, padding=1), p1=nn.MaxPool2d(2),
               c2=nn.Sequential(nn.Conv2d(8, 8, 3, padding=1), nn.ReLU()), p2=nn.MaxPool2d(2),
               fc=nn.Linear(8 * 3 * 3, 10))


CONV_CHAIN_FUSE = [["c1.0", "c1.1", "c1.2"], ["c2.0", "c2.1"]]


# name -> (factory, fuse list, activation observer, weight observer, batch shape, number of batches)
CASES = {
    "conv_chain": (conv_chain, CONV_CHAIN_FUSE, "histogram", "minmax", (6, 3, 12, 12), 3),
    "conv_chain_pc": (conv_chain, CONV_CHAIN_FUSE, "minmax", "per_channel_minmax", (6, 3, 12, 12), 3),
    "inverted_residual": (
        lambda: Net(inverted_residual_body, c1=conv_bn(4, 16, 1), r1=nn.ReLU6(),
                    c2=conv_bn(16, 16, 3, padding=1, groups=16), r2=nn.ReLU6(), c3=conv_bn(16, 4, 1), skip=FF()),
        [["c1.0", "c1.1"], ["c2.0", "c2.1"], ["c3.0", "c3.1"]], "moving_average", "per_channel_minmax",
        (4, 4, 8, 8), 4),
    "cat_pool": (
        lambda: Net(cat_pool_body, b1=conv_bn_relu(3, 6, 3, padding=1), b2=conv_bn(3, 6, 1), f=FF(),
                    pool=nn.AvgPool2d(2, count_include_pad=False), gap=nn.AdaptiveAvgPool2d(1),
                    fc=nn.Sequential(nn.Linear(12, 8), nn.ReLU())),
        [["b1.0", "b1.1", "b1.2"], ["b2.0", "b2.1"], ["fc.0", "fc.1"]], "histogram", "minmax", (8, 3, 8, 8), 2),
    "hardswish_sigmoid": (
        lambda: Net(hardswish_sigmoid_body, c1=conv_bn(3, 8, 3, padding=1), hs=nn.Hardswish(),
                    pool=nn.MaxPool2d(2), c2=nn.Conv2d(3, 8, 3, stride=2, padding=1), f1=FF(), f2=FF(),
                    sig=nn.Sigmoid()),
        [["c1.0", "c1.1"]], "histogram", "per_channel_minmax", (5, 3, 8, 8), 3),
}


def seed(name, k):
    return 7919 * k + sum(ord(c) * (i + 1) for i, c in enumerate(name))


def dyadic(gen, shape, limit, bits):
    """Integers uniform in [-limit, limit] times 2^-bits (float32)."""
    k = torch.randint(-limit, limit + 1, shape, generator=gen)
    return (k.to(torch.float64) * 2.0 ** -bits).to(torch.float32)


def build_float(name):
    """The fused eval model with dyadic weights and biases (BatchNorm statistics randomized before fusion, so
    that the fused module really is a folded one; its values are then replaced)."""
    factory, fuse = CASES[name][:2]
    torch.manual_seed(seed(name, 1))
    net = factory().eval()
    gen = torch.Generator().manual_seed(seed(name, 2))
    with torch.no_grad():
        for mod in net.modules():
            if isinstance(mod, nn.BatchNorm2d):
                c = mod.num_features
                mod.weight.copy_(torch.rand(c, generator=gen) + 0.5)
                mod.bias.copy_(torch.randn(c, generator=gen) * 0.2)
                mod.running_mean.copy_(torch.randn(c, generator=gen) * 0.2)
                mod.running_var.copy_(torch.rand(c, generator=gen) + 0.5)
    net = fuse_modules(net, fuse)
    first = True
    with torch.no_grad():
        for mod in net.modules():
            if not isinstance(mod, (nn.Conv2d, nn.Linear)):
                continue
            limit, bits = (8, 4) if first else (4, 3)
            first = False
            w = dyadic(gen, mod.weight.shape, limit, bits)
            for c in range(w.shape[0]):      # no all-zero output channel (per-channel scale would be eps)
                if not w[c].any():
                    w[c].view(-1)[0] = 2.0 ** -bits
            mod.weight.copy_(w)
            assert mod.bias is not None, name
            mod.bias.copy_(dyadic(gen, mod.bias.shape, 8, 4))
    return net


def calibration_batches(name):
    """Dyadic j * 2^-5; each batch a different range (|j| <= 32 + 32 * b / (count - 1)) so that the running
    min/max, the moving averages and the histogram merges all move."""
    batch_shape, count = CASES[name][4:6]
    gen = torch.Generator().manual_seed(seed(name, 3))
    return [dyadic(gen, batch_shape, 32 + (32 * b) // max(count - 1, 1), 5) for b in range(count)]


def fresh_input(name):
    """Fresh dyadic inputs (2 images): mostly j * 2^-5 with |j| <= 64, one value in eight pushed to 2..6 in
    magnitude (outside every calibration batch's range), plus the extremes +-6."""
    batch_shape = CASES[name][4]
    gen = torch.Generator().manual_seed(seed(name, 4))
    shape = (2,) + tuple(batch_shape[1:])
    x = dyadic(gen, shape, 64, 5)
    far = dyadic(gen, shape, 192, 5)
    far = torch.where(far.abs() < 2, torch.sign(far + 0.5) * (2 + far.abs()), far)
    x = torch.where(torch.rand(shape, generator=gen) < 0.125, far, x)
    x.view(-1)[0], x.view(-1)[-1] = 6.0, -6.0
    return x


# ---------------------------------------------------------------------------------------------------------------
# Exactness proof of the float activations

def grid_bits(t):
    """Smallest e with t * 2^e all integers (float64)."""
    v = t.detach().to(torch.float64)
    for e in range(0, 60):
        s = v * 2.0 ** e
        if torch.equal(s, torch.round(s)):
            return e
    raise AssertionError("not dyadic")


def exactness_hooks(net, where):
    """Forward hooks asserting that every dot product / pooling sum of the float model is exact in float32 in any
    order: all terms on one grid 2^-e, sum of |terms| < 2^24 grid units, and the float32 output equals the
    float64 result."""
    def conv_or_linear(mod, inputs, out):
        x = inputs[0]
        ex, ew, eb = grid_bits(x), grid_bits(mod.weight), grid_bits(mod.bias)
        e = ex + ew
        assert eb <= e, (where, mod)
        xa, wa = x.detach().to(torch.float64).abs() * 2.0 ** ex, mod.weight.detach().to(torch.float64).abs() * 2.0 ** ew
        ba = mod.bias.detach().to(torch.float64).abs() * 2.0 ** e
        if isinstance(mod, nn.Conv2d):
            s = nn.functional.conv2d(xa, wa, ba, mod.stride, mod.padding, mod.dilation, mod.groups)
            exact = nn.functional.conv2d(x.detach().to(torch.float64), mod.weight.detach().to(torch.float64),
                                         mod.bias.detach().to(torch.float64), mod.stride, mod.padding,
                                         mod.dilation, mod.groups)
        else:
            s = nn.functional.linear(xa, wa, ba)
            exact = nn.functional.linear(x.detach().to(torch.float64), mod.weight.detach().to(torch.float64),
                                         mod.bias.detach().to(torch.float64))
        assert float(s.max()) < GRID_LIMIT, "%s: %s sums reach %g grid units" % (where, mod, float(s.max()))
        assert torch.equal(exact.to(torch.float32), out), (where, mod)
        stats.append(float(s.max()))

    def pool(mod, inputs, out):
        x = inputs[0]
        ex = grid_bits(x)
        xa = x.detach().to(torch.float64).abs() * 2.0 ** ex
        if isinstance(mod, nn.AvgPool2d):
            k = mod.kernel_size if isinstance(mod.kernel_size, int) else mod.kernel_size[0]
            assert mod.kernel_size in (k, (k, k)) and (k & (k - 1)) == 0 and mod.padding in (0, (0, 0)), where
            s = nn.functional.avg_pool2d(xa, mod.kernel_size, mod.stride) * (k * k)
            exact = nn.functional.avg_pool2d(x.detach().to(torch.float64), mod.kernel_size, mod.stride)
        else:
            n = x.shape[2] * x.shape[3]
            assert (n & (n - 1)) == 0, "%s: global average over %d values is not a division by 2^k" % (where, n)
            s = xa.sum(dim=(2, 3))
            exact = x.detach().to(torch.float64).mean(dim=(2, 3), keepdim=True)
        assert float(s.max()) < GRID_LIMIT, (where, mod)
        assert torch.equal(exact.to(torch.float32), out), (where, mod)
        stats.append(float(s.max()))

    stats = []
    handles = []
    for mod in net.modules():
        if isinstance(mod, (nn.Conv2d, nn.Linear)):
            handles.append(mod.register_forward_hook(conv_or_linear))
        elif isinstance(mod, (nn.AvgPool2d, nn.AdaptiveAvgPool2d)):
            handles.append(mod.register_forward_hook(pool))
    return handles, stats


def check_hardswish_formula():
    """PyTorch's float hardswish is f32(f32(x * min(max(f32(x + 3), 0), 6)) / 6) on the scalar and vector paths."""
    gen = torch.Generator().manual_seed(11)
    for n in (1, 5, 8, 13, 64, 1001):
        x = torch.cat([torch.randn(n, generator=gen) * 4, dyadic(gen, (n,), 256, 6)])
        xn = x.numpy()
        r6 = np.minimum(np.maximum((xn + np.float32(3)).astype(np.float32), np.float32(0)), np.float32(6))
        want = ((xn * r6).astype(np.float32) / np.float32(6)).astype(np.float32)
        assert np.array_equal(nn.functional.hardswish(x).numpy(), want), n


def observer_placement(prepared):
    """name -> observer of every activation_post_process of the prepared model."""
    return {n[:-len(".activation_post_process")]: m for n, m in prepared.named_modules()
            if n.endswith("activation_post_process")}


def check_observers(name, float_net, prepared, batches):
    """Recompute each observer's final min/max from the float model's own activations (same module names): PyTorch's
    observers must have seen exactly those tensors."""
    acts = {}
    hooks = []
    placed = observer_placement(prepared)
    modules = dict(float_net.named_modules())
    for n in placed:
        # A float FloatFunctional's result passes through its activation_post_process (an Identity).
        mod = modules[n + ".activation_post_process"] if isinstance(modules[n], FF) else modules[n]
        hooks.append(mod.register_forward_hook(
            lambda m, i, o, n=n: acts.setdefault(n, []).append(o.detach().clone())))
    with torch.no_grad():
        for b in batches:
            float_net(b)
    for h in hooks:
        h.remove()
    for n, obs in placed.items():
        seen = acts[n]
        lo = min(float(t.min()) for t in seen)
        hi = max(float(t.max()) for t in seen)
        if isinstance(obs, MovingAverageMinMaxObserver):
            c = np.float32(obs.averaging_constant)
            mn, mx = np.float32(seen[0].min()), np.float32(seen[0].max())
            for t in seen[1:]:
                mn = np.float32(mn + np.float32(c * np.float32(np.float32(t.min()) - mn)))
                mx = np.float32(mx + np.float32(c * np.float32(np.float32(t.max()) - mx)))
            lo, hi = float(mn), float(mx)
        if isinstance(obs, MinMaxObserver):   # MovingAverageMinMaxObserver derives from MinMaxObserver
            assert (float(obs.min_val), float(obs.max_val)) == (lo, hi), (name, n, obs.min_val, obs.max_val, lo, hi)
        else:  # HistogramObserver: its range only grows when histograms merge
            assert float(obs.min_val) <= lo and float(obs.max_val) >= hi, (name, n)
    return sorted(placed)


# ---------------------------------------------------------------------------------------------------------------

def torch_export_float(net, x):
    buffer = io.BytesIO()
    torch.onnx.export(net, (x,), buffer, opset_version=13, input_names=["input"], output_names=["output"],
                      dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}}, do_constant_folding=True)
    return onnx.load_from_string(buffer.getvalue())


def check_float_weights(name, proto, net):
    """Every fused parameter appears bit for bit among the initializers (possibly transposed for Gemm)."""
    inits = [numpy_helper.to_array(t) for t in proto.graph.initializer]
    for pname, p in net.named_parameters():
        p = p.detach().numpy()
        ok = any(a.shape == p.shape and np.array_equal(a.view(np.uint32), p.view(np.uint32)) for a in inits
                 if a.dtype == np.float32)
        ok = ok or any(a.shape == p.T.shape and np.array_equal(a, p.T) for a in inits if a.dtype == np.float32)
        assert ok, "%s: parameter %s not found in the float ONNX initializers" % (name, pname)


def rule_placement(proto):
    """The observed tensors of a fused float ONNX file by the placement rule of the issue: the graph input, each
    Conv / Gemm output (after a Relu that is its only consumer), each Add / Mul / Concat output; plus whether a
    Sigmoid (fixed qparams) is present."""
    consumers = {}
    for n in proto.graph.node:
        for i in n.input:
            consumers.setdefault(i, []).append(n)
    observed = ["input"]
    for n in proto.graph.node:
        if n.op_type in ("Conv", "Gemm"):
            cons = consumers.get(n.output[0], [])
            relu = len(cons) == 1 and cons[0].op_type == "Relu"
            observed.append(cons[0].output[0] if relu else n.output[0])
        elif n.op_type in ("Add", "Mul", "Concat"):
            observed.append(n.output[0])
    return observed, any(n.op_type == "Sigmoid" for n in proto.graph.node)


def tensor_value(proto, tensor, x):
    """The float value of one tensor of the file, by the numpy interpreter (the tensor renamed to "output")."""
    if tensor == "input":
        return x.numpy()
    m = copy.deepcopy(proto)
    for n in m.graph.node:
        for names in (n.input, n.output):
            for i, v in enumerate(names):
                names[i] = {"output": "_final", tensor: "output"}.get(v, v)
    return run_onnx(m, x.numpy())


def check_rule_on_float_file(name, proto, act, batches, pairs):
    """An independent calibrator: fresh PyTorch observers fed with the float FILE's tensors (numpy interpreter, exact
    by the dyadic construction) at the rule's places must give exactly the pt file's qparams. Not for files with
    HardSigmoid (the interpreter's hardswish is not PyTorch's float formula)."""
    if any(n.op_type == "HardSigmoid" for n in proto.graph.node):
        return False
    observed, sigmoid = rule_placement(proto)
    want = {(float(np.float32(1.0 / 256)), 0)} if sigmoid else set()
    for t in observed:
        obs = ACTIVATIONS[act]()
        for b in batches:
            obs(torch.from_numpy(tensor_value(proto, t, b)))
        scale, zp = obs.calculate_qparams()
        want.add((float(np.float32(scale.item())), int(zp.item())))
    assert want == set(pairs), (name, sorted(want), pairs)
    return True


def quantize_qparams(proto):
    consts = {t.name: numpy_helper.to_array(t) for t in proto.graph.initializer}
    pairs = set()
    count = 0
    for n in proto.graph.node:
        if n.op_type == "QuantizeLinear" and consts[n.input[2]].dtype == np.uint8:
            count += 1
            pairs.add((float(np.float32(consts[n.input[1]])), int(consts[n.input[2]])))
    return sorted(pairs), count


def main():
    os.makedirs(OUT, exist_ok=True)
    check_hardswish_formula()
    w = Writer(os.path.join(HERE, "calibration_runs.qgf"),
               "calibration_runs.qgf: written by tests/golden/generate_calibration.py (see its docstring and "
               "tests/golden/calibration/README.md).")
    for name, (_, _, act, wobs, batch_shape, count) in CASES.items():
        net = build_float(name)
        batches = calibration_batches(name)
        x = fresh_input(name)

        handles, stats = exactness_hooks(net, name)
        with torch.no_grad():
            for b in batches:
                net(b)
        for h in handles:
            h.remove()

        float_proto = torch_export_float(copy.deepcopy(net), batches[0])
        onnx.checker.check_model(float_proto)
        ops = [n.op_type for n in float_proto.graph.node]
        assert set(ops) <= FLOAT_OPS, (name, sorted(set(ops) - FLOAT_OPS))
        check_float_weights(name, float_proto, net)
        onnx.save(float_proto, os.path.join(OUT, name + ".float.onnx"))
        with torch.no_grad():
            yf = net(x).numpy()
        got = run_onnx(float_proto, x.numpy())
        assert np.abs(got - yf).max() <= 1e-4 * max(1.0, np.abs(yf).max()), name

        prepared = copy.deepcopy(net)
        prepared.qconfig = QConfig(activation=ACTIVATIONS[act], weight=WEIGHTS[wobs])
        prepared = prepare(prepared)
        with torch.no_grad():
            for b in batches:
                prepared(b)
        observed = check_observers(name, net, prepared, batches)
        model = convert(prepared).eval()
        for t in [x] + batches:
            check_elementwise_ops(name, model, t)
        pt_proto = export_pt(model, x, os.path.join(OUT, name + ".pt.onnx"))
        with torch.no_grad():
            y = model(x)
        got = run_onnx(pt_proto, x.numpy())
        assert np.abs(got - y.numpy()).max() <= 1.0001 * last_scale(pt_proto), name
        pairs, nq = quantize_qparams(pt_proto)
        independent = check_rule_on_float_file(name, float_proto, act, batches, pairs)

        w.case(name, model=("str", name), activation=("str", act), weight=("str", wobs),
               batch_shape=("i64", batch_shape), batches=("f32", torch.cat(batches).reshape(-1).tolist()),
               input_shape=("i64", x.shape), input=("f32", x.reshape(-1).tolist()),
               output_shape=("i64", y.shape), output=("f32", y.reshape(-1).tolist()),
               qparams=("f64", [v for p in pairs for v in p]))
        print("%s: float ops %s | observers %s | pt: %d nodes, %d uint8 QuantizeLinear, %d distinct qparams | "
              "max |sum| %d grid units%s" % (name, " ".join(ops), ",".join(observed), len(pt_proto.graph.node), nq,
                                             len(pairs), max(stats),
                                             " | rule on the float file: same qparams" if independent else ""))
    w.close()
    size = os.path.getsize(os.path.join(HERE, "calibration_runs.qgf"))
    print("calibration_runs.qgf: %d bytes" % size)
    assert size < 1.5 * 1024 * 1024


if __name__ == "__main__":
    main()
