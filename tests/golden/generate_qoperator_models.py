#!/usr/bin/env python3
"""QOperator and dynamic-quantization model fixtures for the qwasm runtime (issue #5).

    /usr/bin/python3 tests/golden/generate_qoperator_models.py
        # rewrites tests/golden/models/{qo,dq}_*.onnx, tests/golden/qoperator_runs.qgf,
        # tests/golden/dynamic_quant_runs.qgf and the last section of tests/golden/models/MODELS.md
        # (run it after generate_model_fixtures.py, which rewrites MODELS.md and model_runs.qgf)

1. qo_NAME.onnx: pt_NAME.onnx (classic QDQ, PyTorch 1.13 qnnpack semantics) rewritten into onnxruntime's QOperator
   form, opset imports "" 13 and "com.microsoft" 1. Tensor names, initializers and attributes are the pt_ file's;
   each DequantizeLinear(s) -> float op [-> Relu] -> QuantizeLinear becomes one node whose output is the old
   QuantizeLinear's output. The graph input's QuantizeLinear and the graph output's DequantizeLinear stay.
   Signatures (input order; every scale float32, every activation zero point uint8, all scalars unless noted):
     QLinearConv (onnx 10)        x, x_scale, x_zero_point, w (int8), w_scale, w_zero_point (int8), y_scale,
                                  y_zero_point, B (int32, scale x_scale * w_scale, zero point 0); w_scale /
                                  w_zero_point are 1-D [M] for per-channel weights; attributes dilations, group,
                                  kernel_shape, pads, strides copied from the Conv
     QGemm (com.microsoft)        A, a_scale, a_zero_point, B (int8 [N, K]), b_scale, b_zero_point (int8), C (int32
                                  [N]), y_scale, y_zero_point; transB=1; b_scale / b_zero_point 1-D [N] when
                                  per-channel (per column of B^T)
     QLinearAdd / QLinearMul      A, A_scale, A_zero_point, B, B_scale, B_zero_point, C_scale, C_zero_point
       (com.microsoft)
     QLinearConcat (com.microsoft)  Y_scale, Y_zero_point, then X_i, X_i_scale, X_i_zero_point per input; axis
     QLinearAveragePool           X, x_scale, x_zero_point, y_scale, y_zero_point; auto_pad absent, ceil_mode,
       (com.microsoft)            count_include_pad, kernel_shape, pads, strides copied from the AveragePool
                                  (channels_last absent = 0)
     QLinearGlobalAveragePool     X, x_scale, x_zero_point, y_scale, y_zero_point; channels_last=0
       (com.microsoft)
     QLinearSigmoid (com.microsoft)  X, X_scale, X_zero_point, Y_scale, Y_zero_point
     MaxPool, Flatten (onnx 13)   on the uint8 tensor itself (only where input and output qparams are equal)
   A fused Relu (Conv / Gemm / Add followed by Relu before the QuantizeLinear) is dropped when the output zero
   point is 0: clamping at the zero point is then the uint8 saturation (the model is skipped otherwise; no pt_
   model needs that).

   Converted (qo_ file and runs): conv1x1, conv_bn_relu (Relu, zp 0), conv_dw3, conv_stride2,
   linear (Flatten + QGemm), linear_relu (QGemm, Relu with zp 0, per-channel b_scale), ff_add, ff_add_relu
   (QLinearAdd, Relu with zp 0), ff_mul, ff_cat, maxpool, avgpool, gap_linear, sigmoid, flatten, resnet_block.
   Convertible but not written (SIZE_SKIPS: their QLinearConv geometry is already covered, and all of them
   together would make qoperator_runs.qgf larger than 50 KB): conv3x3, conv3x3_pc, conv_bn, conv_dilation2,
   conv_dw5, conv_grouped, conv_k3x1, conv_nobias. (Remove a name from SIZE_SKIPS to write it.)
   Skipped (no QOperator equivalent in onnxruntime's QOperator format):
     relu, relu6, hardtanh, inverted_residual  standalone Relu / Clip (PyTorch keeps the input's qparams, so the
                                               clamp is not a saturation; onnxruntime has no QLinear Relu/Clip)
     hardswish                                 no QLinearHardSwish in com.microsoft
     ff_add_scalar, ff_add_scalar_tie,         Add / Mul by a float scalar (PyTorch's add_scalar / mul_scalar
     ff_mul_scalar                             arithmetic is not QLinearAdd / QLinearMul with a quantized
                                               constant in general)
     quant_only                                no op between QuantizeLinear and DequantizeLinear: the QOperator
                                               file would be pt_quant_only.onnx itself
   onnx.checker.check_model(full_check=True) runs on every qo_ file: it validates the onnx-domain nodes
   (QuantizeLinear, QLinearConv, MaxPool, Flatten, DequantizeLinear), the graph structure and shape inference,
   but does not know the com.microsoft ops (onnx 1.12 accepts nodes of unregistered domains without checking
   them, and shape inference leaves their outputs untyped). The generator checks
   every qo_ file instead by expanding it back into QDQ form and running generate_model_fixtures.run_onnx (a
   float numpy QDQ interpreter): it must agree with PyTorch's reference outputs to 1 output LSB.

qoperator_runs.qgf (format: qgf.py), one case per (qo_ file, input), named qo_NAME_b<batch>[_<k>], the pt_ case of
model_runs.qgf copied bit for bit (so the expected outputs are PyTorch's):
    model str qo_NAME, input_shape i64, input f32, output_shape i64, output f32
    (the batch-2 input only for linear, to stay under 50 KB)
and a final `_totals` case: cases i64, elements i64 (output floats).

2. dq_matmul.onnx, dq_conv.onnx: what onnxruntime's quantize_dynamic writes (opset 13, onnx domain only):
     x (float) -> DynamicQuantizeLinear -> x_q (uint8), x_scale, x_zero_point
     MatMulInteger(x_q, w (int8 [16, 8]), x_zero_point, w_zero_point (int8 scalar 3))      dq_matmul
     ConvInteger(x_q, w (uint8 [4, 3, 3, 3]), x_zero_point, w_zero_point (uint8 scalar 131); pads 1)   dq_conv
     -> Cast(to=FLOAT) -> Mul(., Mul(x_scale, w_scale)) -> Add(., bias float32) -> Relu -> y
   dq_matmul: input [batch, 16], w_scale float32 [8] (per column), bias [8], output [batch, 8].
   dq_conv: input [batch, 3, 8, 8], w_scale float32 scalar, bias [1, 4, 1, 1], output [batch, 4, 8, 8].
   Expected outputs: a numpy implementation of the ONNX spec, float32 throughout:
     scale = f32(f32(max(0, max(x)) - min(0, min(x))) / 255), zp = saturate(rne(f32(0 - f32(min(0, min(x)) /
     scale)))), x_q = saturate(rne(f32(x / scale)) + zp); exact integer accumulation of (x_q - zp) * (w - w_zp)
     (ConvInteger pads with x's zero point, i.e. with 0 after the subtraction); f32(acc) * f32(x_scale * w_scale),
     + bias, relu, each in float32. Inputs are chosen (seeded) so that no x / scale lies within 1e-3 of a
     rounding tie, so a runtime that multiplies by 1 / scale quantizes identically.
   dynamic_quant_runs.qgf: same fields (model str dq_matmul / dq_conv), cases dq_NAME_<k>, `_totals` at the end.
   The C++ test compares with a 1e-5 relative tolerance (the float tail may round differently).
   onnx.checker.check_model(full_check=True) runs on both dq_ files.

Deterministic: seeded numpy generators; the qo_ files are functions of the pt_ files and model_runs.qgf.
"""
import os
import struct
import sys

try:
    import numpy as np
    import onnx
    import torch  # noqa: F401 - generate_model_fixtures (run_onnx) needs it
except ImportError:
    if os.path.exists("/usr/bin/python3") and os.path.realpath(sys.executable) != "/usr/bin/python3":
        os.execv("/usr/bin/python3", ["/usr/bin/python3"] + sys.argv)
    raise

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from onnx import TensorProto, helper, numpy_helper  # noqa: E402
from qgf import Writer  # noqa: E402
from generate_model_fixtures import run_onnx, last_scale  # noqa: E402

MODELS = os.path.join(HERE, "models")
MS = "com.microsoft"
MAX_BYTES = 50 * 1024
SIZE_SKIPS = ("conv3x3", "conv3x3_pc", "conv_bn", "conv_dilation2", "conv_dw5", "conv_grouped", "conv_k3x1",
              "conv_nobias")
BATCH2 = ("linear",)
SECTION = "## QOperator and dynamic-quantization models"


class Skip(Exception):
    pass


# ---------------------------------------------------------------------------------------------------------------
# qgf reading

def read_qgf(path):
    """[(case name, {field: (type, values)})] in file order; f32 values as Python floats (bit-exact)."""
    cases = []
    cur = None
    with open(path) as f:
        for line in f:
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            tok = line.split(" ")
            if tok[0] == "case":
                cur = (tok[1], {})
            elif tok[0] == "end":
                cases.append(cur)
                cur = None
            else:
                key, kind, n = tok[0], tok[1], int(tok[2])
                vals = tok[3:]
                assert len(vals) == n, (path, key)
                if kind == "f32":
                    vals = [struct.unpack("<f", struct.pack("<I", int(v, 16)))[0] for v in vals]
                elif kind == "f64":
                    vals = [struct.unpack("<d", struct.pack("<Q", int(v, 16)))[0] for v in vals]
                elif kind == "i64":
                    vals = [int(v) for v in vals]
                else:
                    vals = vals[0]
                cur[1][key] = (kind, vals)
    return cases


# ---------------------------------------------------------------------------------------------------------------
# QDQ -> QOperator

def attrs_of(node):
    return {a.name: helper.get_attribute_value(a) for a in node.attribute}


def convert(pt):
    """The QOperator form of a pt_ model (raises Skip with the reason when an op has no QOperator form)."""
    g = pt.graph
    inits = {t.name: numpy_helper.to_array(t) for t in g.initializer}
    producer = {o: n for n in g.node for o in n.output}

    def dq_of(name):
        n = producer.get(name)
        if n is None or n.op_type != "DequantizeLinear":
            raise Skip("input %s of a float op is not a DequantizeLinear" % name)
        return n

    def qparams(n):
        return list(n.input[1:3])

    def same(a, b):
        return all(np.array_equal(inits[x], inits[y]) and inits[x].dtype == inits[y].dtype for x, y in zip(a, b))

    nodes = []
    for q in g.node:
        if q.op_type != "QuantizeLinear" or q.input[0] == g.input[0].name:
            continue
        ys, yz = q.input[1], q.input[2]
        op = producer[q.input[0]]
        if op.op_type == "Relu" and op.input[0] in producer and \
                producer[op.input[0]].op_type in ("Conv", "Gemm", "Add"):
            op = producer[op.input[0]]
            if int(inits[yz].reshape(-1)[0]) != 0:
                raise Skip("%s + Relu with output zero point %d" % (op.op_type, int(inits[yz])))
        t, a = op.op_type, attrs_of(op)
        out = q.output[0]
        if t == "Conv":
            x, w = dq_of(op.input[0]), dq_of(op.input[1])
            xs, xz = qparams(x)
            ws, wz = qparams(w)
            assert not inits[wz].any(), "nonzero weight zero point"
            ins = [x.input[0], xs, xz, w.input[0], ws, wz, ys, yz]
            if len(op.input) > 2 and op.input[2]:
                b = dq_of(op.input[2])
                want = (inits[xs].astype(np.float32) * inits[ws].astype(np.float32)).astype(np.float32)
                assert np.array_equal(np.broadcast_to(want, inits[b.input[1]].shape), inits[b.input[1]]), \
                    "bias scale is not f32(x_scale * w_scale)"
                assert not inits[b.input[2]].any()
                ins.append(b.input[0])
            keep = {k: a[k] for k in ("dilations", "group", "kernel_shape", "pads", "strides") if k in a}
            nodes.append(helper.make_node("QLinearConv", ins, [out], name=op.name or out, **keep))
        elif t == "Gemm":
            if a.get("transB", 0) != 1 or a.get("transA", 0) or a.get("alpha", 1.0) != 1.0 or \
                    a.get("beta", 1.0) != 1.0:
                raise Skip("Gemm attributes %s" % a)
            x, w = dq_of(op.input[0]), dq_of(op.input[1])
            xs, xz = qparams(x)
            ws, wz = qparams(w)
            assert not inits[wz].any(), "nonzero weight zero point"
            c = ""
            if len(op.input) > 2 and op.input[2]:
                b = dq_of(op.input[2])
                want = (inits[xs].astype(np.float32) * inits[ws].astype(np.float32)).astype(np.float32)
                assert np.array_equal(np.broadcast_to(want, inits[b.input[1]].shape), inits[b.input[1]])
                assert not inits[b.input[2]].any()
                c = b.input[0]
            nodes.append(helper.make_node("QGemm", [x.input[0], xs, xz, w.input[0], ws, wz, c, ys, yz], [out],
                                          name=op.name or out, domain=MS, transB=1))
        elif t in ("Add", "Mul"):
            if any(i in inits for i in op.input):
                raise Skip("%s by a float constant (add_scalar / mul_scalar)" % t)
            a0, a1 = dq_of(op.input[0]), dq_of(op.input[1])
            nodes.append(helper.make_node("QLinear" + t, [a0.input[0]] + qparams(a0) + [a1.input[0]] +
                                          qparams(a1) + [ys, yz], [out], name=op.name or out, domain=MS))
        elif t == "Concat":
            ins = [ys, yz]
            for i in op.input:
                d = dq_of(i)
                ins += [d.input[0]] + qparams(d)
            nodes.append(helper.make_node("QLinearConcat", ins, [out], name=op.name or out, domain=MS,
                                          axis=a["axis"]))
        elif t == "AveragePool":
            x = dq_of(op.input[0])
            nodes.append(helper.make_node("QLinearAveragePool", [x.input[0]] + qparams(x) + [ys, yz], [out],
                                          name=op.name or out, domain=MS, **a))
        elif t == "GlobalAveragePool":
            x = dq_of(op.input[0])
            nodes.append(helper.make_node("QLinearGlobalAveragePool", [x.input[0]] + qparams(x) + [ys, yz],
                                          [out], name=op.name or out, domain=MS, channels_last=0))
        elif t == "Sigmoid":
            x = dq_of(op.input[0])
            nodes.append(helper.make_node("QLinearSigmoid", [x.input[0]] + qparams(x) + [ys, yz], [out],
                                          name=op.name or out, domain=MS))
        elif t in ("MaxPool", "Flatten", "Reshape"):
            x = dq_of(op.input[0])
            if not same(qparams(x), [ys, yz]):
                raise Skip("%s with different input / output qparams" % t)
            nodes.append(helper.make_node(t, [x.input[0]] + list(op.input[1:]), [out], name=op.name or out, **a))
        else:
            raise Skip("%s%s has no QOperator form" % (t, " (standalone)" if t in ("Relu", "Clip") else ""))
    if not nodes:
        raise Skip("no op between QuantizeLinear and DequantizeLinear")
    first = [n for n in g.node if n.op_type == "QuantizeLinear" and n.input[0] == g.input[0].name]
    last = [n for n in g.node if n.output[0] == g.output[0].name]
    assert len(first) == 1 and len(last) == 1 and last[0].op_type == "DequantizeLinear"
    nodes = first + nodes + last
    used = {i for n in nodes for i in n.input if i}
    inits_out = [t for t in g.initializer if t.name in used]
    graph = helper.make_graph(nodes, g.name or "qo", list(g.input), list(g.output), inits_out)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13), helper.make_opsetid(MS, 1)],
                              producer_name="qwasm generate_qoperator_models.py")
    model.ir_version = pt.ir_version
    return model


def expand_to_qdq(model):
    """The QOperator model written back as QDQ (standard ops only), for run_onnx."""
    g = model.graph
    inits = {t.name: t for t in g.initializer}
    nodes, extra = [], []
    k = [0]

    def fresh(base):
        k[0] += 1
        return "%s__x%d" % (base, k[0])

    def dq(x, s, z, axis=None):
        o = fresh(x)
        kw = {"axis": axis} if axis is not None else {}
        nodes.append(helper.make_node("DequantizeLinear", [x, s, z], [o], **kw))
        return o

    def q(f, s, z, out):
        nodes.append(helper.make_node("QuantizeLinear", [f, s, z], [out]))

    def per_axis(s):
        return 0 if numpy_helper.to_array(inits[s]).ndim == 1 else None

    def x_w_bias(i, bias):
        """DQ(x), DQ(w) and, when present, DQ(bias int32, f32(x_scale * w_scale), 0)."""
        ins = [dq(i[0], i[1], i[2]), dq(i[3], i[4], i[5], per_axis(i[4]))]
        if bias < len(i) and i[bias]:
            xs = numpy_helper.to_array(inits[i[1]]).astype(np.float32)
            ws = numpy_helper.to_array(inits[i[4]]).astype(np.float32)
            bs, bz = fresh("bscale"), fresh("bzp")
            extra.append(numpy_helper.from_array((xs * ws).astype(np.float32), bs))
            extra.append(numpy_helper.from_array(np.zeros(np.shape(xs * ws), np.int32), bz))
            ins.append(dq(i[bias], bs, bz, per_axis(i[4])))
        return ins

    for n in g.node:
        i, a, out = list(n.input), attrs_of(n), n.output[0]
        t = n.op_type
        if t == "QLinearConv":
            f = fresh(out)
            nodes.append(helper.make_node("Conv", x_w_bias(i, 8), [f], **a))
            q(f, i[6], i[7], out)
        elif t == "QGemm":
            f = fresh(out)
            nodes.append(helper.make_node("Gemm", x_w_bias(i, 6), [f], transB=a["transB"]))
            q(f, i[7], i[8], out)
        elif t in ("QLinearAdd", "QLinearMul"):
            f = fresh(out)
            nodes.append(helper.make_node(t[7:], [dq(*i[0:3]), dq(*i[3:6])], [f]))
            q(f, i[6], i[7], out)
        elif t == "QLinearConcat":
            f = fresh(out)
            parts = [dq(*i[j:j + 3]) for j in range(2, len(i), 3)]
            nodes.append(helper.make_node("Concat", parts, [f], axis=a["axis"]))
            q(f, i[0], i[1], out)
        elif t in ("QLinearAveragePool", "QLinearGlobalAveragePool", "QLinearSigmoid"):
            f = fresh(out)
            a.pop("channels_last", None)
            nodes.append(helper.make_node(t[7:], [dq(*i[0:3])], [f], **a))
            q(f, i[3], i[4], out)
        elif t == "MaxPool":  # run_onnx pools in float: uint8 -> float -> uint8
            f, g_ = fresh(out), fresh(out)
            nodes += [helper.make_node("Cast", [i[0]], [f], to=TensorProto.FLOAT),
                      helper.make_node("MaxPool", [f], [g_], **a),
                      helper.make_node("Cast", [g_], [out], to=TensorProto.UINT8)]
        else:
            nodes.append(n)
    graph = helper.make_graph(nodes, "qdq", list(g.input), list(g.output), list(g.initializer) + extra)
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])


def describe_nodes(model):
    return ", ".join(n.op_type for n in model.graph.node)


# ---------------------------------------------------------------------------------------------------------------
# Dynamic quantization

def rne(v):
    return np.rint(v)  # numpy rounds half to even


def dynamic_quantize(x):
    x = x.astype(np.float32)
    hi = np.float32(max(np.float32(0), x.max()))
    lo = np.float32(min(np.float32(0), x.min()))
    scale = np.float32(np.float32(hi - lo) / np.float32(255))
    zp = np.float32(np.clip(rne(np.float32(np.float32(0) - np.float32(lo / scale))), 0, 255))
    q = np.clip(rne((x / scale).astype(np.float32)) + zp, 0, 255).astype(np.uint8)
    return q, scale, np.uint8(zp)


def near_tie(x):
    """True when some x / scale (or the zero point's 0 - min / scale) is within 1e-3 of a half-integer."""
    x = x.astype(np.float32)
    hi = np.float32(max(np.float32(0), x.max()))
    lo = np.float32(min(np.float32(0), x.min()))
    scale = np.float32(np.float32(hi - lo) / np.float32(255))
    v = np.concatenate([(x.astype(np.float64) / float(scale)).reshape(-1), [-float(lo) / float(scale)]])
    frac = np.abs(v - np.floor(v) - 0.5)
    return bool((frac < 1e-3).any())


def matmul_ref(x, w, wz, w_scale, bias):
    q, s, z = dynamic_quantize(x)
    acc = (q.astype(np.int64) - int(z)) @ (w.astype(np.int64) - int(wz))
    assert np.abs(acc).max() < 2 ** 31
    scale = (np.float32(s) * w_scale.astype(np.float32)).astype(np.float32)
    y = (acc.astype(np.int32).astype(np.float32) * scale).astype(np.float32)
    y = (y + bias.astype(np.float32)).astype(np.float32)
    return np.maximum(y, np.float32(0)).astype(np.float32)


def conv_ref(x, w, wz, w_scale, bias, pad):
    q, s, z = dynamic_quantize(x)
    xi = np.pad(q.astype(np.int64) - int(z), [(0, 0), (0, 0), (pad, pad), (pad, pad)])
    wi = w.astype(np.int64) - int(wz)
    n, c, h, wd = xi.shape
    m, _, kh, kw = wi.shape
    oh, ow = h - kh + 1, wd - kw + 1
    acc = np.zeros((n, m, oh, ow), np.int64)
    for dy in range(kh):
        for dx in range(kw):
            acc += np.einsum("nchw,mc->nmhw", xi[:, :, dy:dy + oh, dx:dx + ow], wi[:, :, dy, dx])
    assert np.abs(acc).max() < 2 ** 31
    scale = np.float32(np.float32(s) * np.float32(w_scale))
    y = (acc.astype(np.int32).astype(np.float32) * scale).astype(np.float32)
    y = (y + bias.astype(np.float32)).astype(np.float32)
    return np.maximum(y, np.float32(0)).astype(np.float32)


def dq_tail(nodes, acc, x_scale, w_scale, bias):
    nodes += [helper.make_node("Cast", [acc], ["acc_f"], to=TensorProto.FLOAT),
              helper.make_node("Mul", [x_scale, w_scale], ["scale"]),
              helper.make_node("Mul", ["acc_f", "scale"], ["scaled"]),
              helper.make_node("Add", ["scaled", bias], ["biased"]),
              helper.make_node("Relu", ["biased"], ["output"])]


def dq_models():
    """[(name, model, reference function, [inputs])]."""
    rng = np.random.default_rng(20260505)
    out = []
    # dq_matmul
    k, n = 16, 8
    w = rng.integers(-127, 128, (k, n)).astype(np.int8)
    wz = np.int8(3)
    w_scale = (rng.uniform(0.002, 0.01, n)).astype(np.float32)
    bias = rng.normal(0.4, 0.3, n).astype(np.float32)
    nodes = [helper.make_node("DynamicQuantizeLinear", ["input"], ["x_q", "x_scale", "x_zp"]),
             helper.make_node("MatMulInteger", ["x_q", "w", "x_zp", "w_zp"], ["acc"])]
    dq_tail(nodes, "acc", "x_scale", "w_scale", "bias")
    inits = [numpy_helper.from_array(w, "w"), numpy_helper.from_array(np.array(wz, np.int8), "w_zp"),
             numpy_helper.from_array(w_scale, "w_scale"), numpy_helper.from_array(bias, "bias")]
    graph = helper.make_graph(nodes, "dq_matmul",
                              [helper.make_tensor_value_info("input", TensorProto.FLOAT, ["batch", k])],
                              [helper.make_tensor_value_info("output", TensorProto.FLOAT, ["batch", n])], inits)
    xs = [seeded_input(rng, (1, k)), seeded_input(rng, (3, k)), np.abs(seeded_input(rng, (2, k)))]
    out.append(("dq_matmul", graph, lambda x: matmul_ref(x, w, wz, w_scale, bias), xs))
    # dq_conv
    wc = rng.integers(0, 256, (4, 3, 3, 3)).astype(np.uint8)
    wcz = np.uint8(131)
    wc_scale = np.float32(0.0043)
    cbias = rng.normal(0, 0.3, (1, 4, 1, 1)).astype(np.float32)
    nodes = [helper.make_node("DynamicQuantizeLinear", ["input"], ["x_q", "x_scale", "x_zp"]),
             helper.make_node("ConvInteger", ["x_q", "w", "x_zp", "w_zp"], ["acc"], kernel_shape=[3, 3],
                              pads=[1, 1, 1, 1], strides=[1, 1], dilations=[1, 1], group=1)]
    dq_tail(nodes, "acc", "x_scale", "w_scale", "bias")
    inits = [numpy_helper.from_array(wc, "w"), numpy_helper.from_array(np.array(wcz, np.uint8), "w_zp"),
             numpy_helper.from_array(np.array(wc_scale, np.float32), "w_scale"),
             numpy_helper.from_array(cbias, "bias")]
    graph = helper.make_graph(nodes, "dq_conv",
                              [helper.make_tensor_value_info("input", TensorProto.FLOAT, ["batch", 3, 8, 8])],
                              [helper.make_tensor_value_info("output", TensorProto.FLOAT, ["batch", 4, 8, 8])],
                              inits)
    xs = [seeded_input(rng, (1, 3, 8, 8)), seeded_input(rng, (2, 3, 8, 8))]
    out.append(("dq_conv", graph, lambda x: conv_ref(x, wc, wcz, wc_scale, cbias, 1), xs))
    return out


def seeded_input(rng, shape):
    """Normal x 1.5 with a few larger values; redrawn while any value is near a rounding tie."""
    for _ in range(1000):
        x = (rng.normal(0, 1.5, shape) + (rng.random(shape) < 0.05) * rng.normal(0, 4, shape)).astype(np.float32)
        if not near_tie(x) and not near_tie(np.abs(x)):
            return x
    raise AssertionError("no tie-free input")


# ---------------------------------------------------------------------------------------------------------------

def write_model(model, name):
    path = os.path.join(MODELS, name + ".onnx")
    onnx.save(model, path)
    size = os.path.getsize(path)
    assert size < MAX_BYTES, (name, size)
    return size


def main():
    for f in os.listdir(MODELS):
        if f.startswith(("qo_", "dq_")) and f.endswith(".onnx"):
            os.remove(os.path.join(MODELS, f))
    pt_runs = read_qgf(os.path.join(HERE, "model_runs.qgf"))
    names = sorted(f[3:-5] for f in os.listdir(MODELS) if f.startswith("pt_") and f.endswith(".onnx"))
    converted, skipped, listing = [], [], []
    for name in names:
        pt = onnx.load(os.path.join(MODELS, "pt_%s.onnx" % name))
        try:
            qo = convert(pt)
        except Skip as e:
            skipped.append((name, str(e)))
            continue
        if name in SIZE_SKIPS:
            skipped.append((name, "convertible; not written (QLinearConv geometry covered, 50 KB budget)"))
            continue
        onnx.checker.check_model(qo, full_check=True)  # com.microsoft nodes are not checked (see above)
        qdq = expand_to_qdq(qo)
        onnx.checker.check_model(qdq, full_check=True)
        runs = [(c, f) for c, f in pt_runs if f.get("model", (None, None))[1] == "pt_" + name]
        assert runs, name
        lsb = last_scale(pt)
        kept = []
        for case, f in runs:
            x = np.array(f["input"][1], np.float32).reshape(f["input_shape"][1])
            want = np.array(f["output"][1], np.float32).reshape(f["output_shape"][1])
            got = run_onnx(qdq, x)
            assert got.shape == want.shape, (name, got.shape, want.shape)
            err = np.abs(got - want).max() / lsb if want.size else 0.0
            assert err <= 1.0001, "qo_%s: QDQ expansion differs from PyTorch by %.2f LSB" % (name, err)
            if x.shape[0] == 1 or name in BATCH2:
                kept.append(("qo_" + case[3:], f))
        size = write_model(qo, "qo_" + name)
        converted.append((name, kept))
        listing.append(("qo_" + name, describe_nodes(qo), len(qo.graph.node), size))

    w = Writer(os.path.join(HERE, "qoperator_runs.qgf"), "qoperator_runs.qgf: the pt_ cases of model_runs.qgf "
               "(PyTorch's outputs) for the\nQOperator files qo_NAME.onnx (generate_qoperator_models.py).\n"
               "model str, input_shape i64, input f32, output_shape i64, output f32; _totals: cases, elements")
    ncases = nelem = 0
    for name, kept in converted:
        for case, f in kept:
            w.case(case, model=("str", "qo_" + name), input_shape=f["input_shape"], input=f["input"],
                   output_shape=f["output_shape"], output=f["output"])
            ncases += 1
            nelem += len(f["output"][1])
    w.case("_totals", cases=("i64", [ncases]), elements=("i64", [nelem]))
    w.close()
    size = os.path.getsize(os.path.join(HERE, "qoperator_runs.qgf"))
    print("qoperator_runs.qgf: %d cases, %d output elements, %d bytes" % (ncases, nelem, size))
    assert size < MAX_BYTES, size

    w = Writer(os.path.join(HERE, "dynamic_quant_runs.qgf"), "dynamic_quant_runs.qgf: dq_matmul / dq_conv "
               "(generate_qoperator_models.py), references\nfrom a numpy implementation of the ONNX spec; "
               "compare with 1e-5 relative tolerance.\nmodel str, input_shape i64, input f32, output_shape i64, "
               "output f32; _totals: cases, elements")
    ncases = nelem = 0
    for name, graph, ref, xs in dq_models():
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)],
                                  producer_name="qwasm generate_qoperator_models.py")
        model.ir_version = 8
        onnx.checker.check_model(model, full_check=True)
        size = write_model(model, name)
        listing.append((name, describe_nodes(model), len(model.graph.node), size))
        for k, x in enumerate(xs):
            y = ref(x)
            assert 0.1 < float((y == 0).mean()) < 0.9, (name, k, float((y == 0).mean()))  # Relu half active
            w.case("%s_%d" % (name, k), model=("str", name), input_shape=("i64", x.shape),
                   input=("f32", x.reshape(-1).tolist()), output_shape=("i64", y.shape),
                   output=("f32", y.reshape(-1).tolist()))
            ncases += 1
            nelem += y.size
    w.case("_totals", cases=("i64", [ncases]), elements=("i64", [nelem]))
    w.close()
    size = os.path.getsize(os.path.join(HERE, "dynamic_quant_runs.qgf"))
    print("dynamic_quant_runs.qgf: %d cases, %d output elements, %d bytes" % (ncases, nelem, size))
    assert size < MAX_BYTES, size
    write_section(listing, skipped)
    for name, why in skipped:
        print("skipped pt_%s: %s" % (name, why))


def write_section(listing, skipped):
    path = os.path.join(MODELS, "MODELS.md")
    with open(path) as f:
        text = f.read()
    if SECTION in text:
        text = text[:text.index(SECTION)]
    lines = [SECTION, "",
             "Written by `tests/golden/generate_qoperator_models.py` (run it after generate_model_fixtures.py,",
             "which rewrites this file). `qo_NAME` is `pt_NAME` in onnxruntime's QOperator form (opset 13 +",
             "com.microsoft 1; runs: `tests/golden/qoperator_runs.qgf`, PyTorch's outputs). `dq_` files are",
             "onnxruntime quantize_dynamic style (runs: `tests/golden/dynamic_quant_runs.qgf`, numpy ONNX-spec",
             "references, 1e-5 relative tolerance).", "",
             "| file | nodes | count | bytes |", "|---|---|---|---|"]
    for fname, nodes, count, size in listing:
        lines.append("| %s.onnx | %s | %d | %d |" % (fname, nodes, count, size))
    lines += ["", "No `qo_` file:", ""]
    lines += ["- %s: %s" % (n, why.replace("|", "/")) for n, why in skipped]
    with open(path, "w") as f:
        f.write(text.rstrip("\n") + "\n\n" + "\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
