#!/usr/bin/env python3
"""Export a converted eager-mode torch.ao.quantization model (engine qnnpack) to an ONNX QDQ file that carries
PyTorch's exact semantics, so that qwasm (which implements PyTorch 1.13's integer arithmetic) reproduces the
module bit for bit.

Why not torch.onnx.export: PyTorch 1.13 stores the conv/linear int32 bias as trunc(bias / (w_scale * in_scale))
while the module itself rounds, bias_q = clamp_i32(rne(f32(bias * f32(1.0f / f32(w_scale * in_scale))))), and it
cannot export quantized relu6 / hardtanh, linear_relu, add_scalar or mul_scalar.

Library:   from export_pytorch import export; export(converted_model, example_input, "model.onnx")
CLI:       /usr/bin/python3 scripts/export_pytorch.py [--path DIR] MODULE:FUNCTION INPUT_SHAPE OUT.onnx
           MODULE:FUNCTION names a function returning the converted module (--path adds DIR to sys.path);
           a file written by torch.save(model, path) is accepted too, but PyTorch 1.13 cannot unpickle every
           quantized module (ConvReLU2d fails). INPUT_SHAPE like 1,3,8,8 (a seeded random example input).

How: torch.fx.symbolic_trace of the converted model (quantized modules are leaves), then one run of the traced
module on the example input to learn every tensor's quantization parameters (scale, zero point, dtype) as PyTorch
computes them, then onnx.helper.

Format written (opset 13; opset 14 when the model has a HardSwish):
  * graph input "input" and output "output", float32, batch dim symbolic ("batch").
  * every quantized activation is a uint8 (quint8) tensor; each consumer reads it through its own
    DequantizeLinear(x_q, scale f32 scalar, zp uint8 scalar) -> float op(s) -> QuantizeLinear(y, out_scale,
    out_zp) (classic QDQ, no Cast nodes). Scales and zero points are initializers shared by the Q and its DQs.
  * weights: int8 initializer through DequantizeLinear (per-tensor: scalar scale/zp; per-channel: vectors,
    axis=0); bias: int32 initializer through DequantizeLinear(scale = f32(w_scale[c] * in_scale), zp int32 0;
    vectors with axis=0 when per-channel), the int32 values rounded exactly as PyTorch rounds them.

Supported (anything else raises ValueError listing every unsupported node):
  modules   Quantize (QuantStub)             -> QuantizeLinear
            DeQuantize (DeQuantStub)         -> DequantizeLinear (float graph output)
            quantized Conv2d / ConvReLU2d    -> Conv [+ Relu] (also conv+bn(+relu) fused before convert)
            quantized Linear / LinearReLU    -> Gemm(transB=1) [+ Relu] (2-D input)
            quantized ReLU6, nn.ReLU6        -> Clip(0, 6), Q with the INPUT's qparams
            nn.Hardtanh                      -> Clip(min_val, max_val), Q with the INPUT's qparams
            nn.ReLU                          -> Relu, Q with the input's qparams
            quantized Hardswish              -> HardSwish (opset 14), Q with the module's qparams
            nn.Sigmoid                       -> Sigmoid, Q(1/256, 0)
            nn.MaxPool2d                     -> MaxPool
            nn.AvgPool2d                     -> AveragePool (ceil_mode=False, no divisor_override; with padding
                                                only count_include_pad=True, since PyTorch's qnnpack path ignores
                                                count_include_pad=False)
            nn.AdaptiveAvgPool2d(1)          -> GlobalAveragePool
            nn.Flatten(1, -1)                -> Flatten(axis=1)
            nn.Identity, nn.Dropout, QFunctional.activation_post_process -> nothing (pass-through)
  functions quantized.add / add_relu / mul   (FloatFunctional add, add_relu, mul) -> Add [+ Relu] / Mul
            quantized.cat                    (FloatFunctional cat) -> Concat
            quantized.add_scalar / mul_scalar (FloatFunctional add_scalar, mul_scalar) -> Add / Mul with a
                                             float32 scalar initializer, then QuantizeLinear with the output
                                             qparams PyTorch computes (see ../shared QUANT_SEMANTICS.md)
            torch.flatten(x, 1) / x.flatten(1) -> Flatten(axis=1); x.reshape(...) / x.view(...) with constant
                                             ints -> Reshape; torch.relu / F.relu -> Relu; F.hardtanh / F.relu6
                                             -> Clip; torch.sigmoid -> Sigmoid; x.contiguous() -> nothing
Activations must be quint8 (uint8 in the file). Models with more than one output are not supported.

Notes for a runtime reading these files:
  * Every QuantizeLinear's scale is f32 of PyTorch's (double) q_scale; PyTorch's consumers use that float value.
    After add_scalar / mul_scalar PyTorch's double scale is generally not float32-exact (mul_scalar: c * s in
    double), so take the output qparams from the QuantizeLinear rather than recomputing them.
  * add_scalar's scalar is stored as float32. PyTorch computes c_q = rne(c / s) in double with the Python float c,
    so near ties f32(c) can round differently; the QuantizeLinear after it carries PyTorch's result (in range:
    zp_out = zp_in - c_q, same scale; otherwise zp_out = 0 or 255 and scale_out = f32(s') with
    s' = (255 - (zp_in - c_q)) / 255 * s or (zp_in - c_q) / 255 * s).
  * relu6 / hardtanh / relu: the QuantizeLinear after Clip / Relu shares the input's scale and zero-point
    initializers (same names).
"""
import argparse
import operator
import os
import sys

try:
    import torch
    import onnx
except ImportError:
    if os.path.exists("/usr/bin/python3") and os.path.realpath(sys.executable) != "/usr/bin/python3":
        os.execv("/usr/bin/python3", ["/usr/bin/python3"] + sys.argv)
    raise

import numpy as np
import torch.nn as nn
import torch.nn.functional as F
from onnx import TensorProto, helper, numpy_helper

import torch.ao.nn.quantized as nnq
import torch.nn.intrinsic.quantized as nniq

PASS_THROUGH_MODULES = (nn.Identity, nn.Dropout)


def f32(v):
    return np.float32(v)


def quantize_bias(bias, bias_scale):
    """PyTorch's rounding of a float bias: clamp_i32(rne(f32(bias * f32(1.0f / bias_scale)))), all in float32."""
    bias = np.asarray(bias, np.float32)
    inv = (np.float32(1.0) / np.asarray(bias_scale, np.float32)).astype(np.float32)
    r = np.rint((bias * inv).astype(np.float32)).astype(np.float64)
    return np.clip(r, -2 ** 31, 2 ** 31 - 1).astype(np.int32)


class QValue:
    """A quantized tensor in the ONNX graph: its uint8 name and the names of its scale / zero-point initializers."""

    def __init__(self, name, scale_name, zp_name, scale, zero_point):
        self.name, self.scale_name, self.zp_name = name, scale_name, zp_name
        self.scale, self.zero_point = scale, zero_point


class FValue:
    def __init__(self, name):
        self.name = name


class _Builder:
    def __init__(self):
        self.nodes, self.inits, self.counter, self.opset = [], [], {}, 13

    def fresh(self, base):
        n = self.counter.get(base, 0)
        self.counter[base] = n + 1
        return "%s_%d" % (base, n) if n else base

    def init(self, base, array):
        name = self.fresh(base)
        self.inits.append(numpy_helper.from_array(np.asarray(array), name))
        return name

    def node(self, op, inputs, base, **attrs):
        out = self.fresh(base)
        self.nodes.append(helper.make_node(op, inputs, [out], name=self.fresh("n_" + base), **attrs))
        return out

    def qparams(self, base, scale, zero_point):
        s = self.init(base + "_scale", np.array(scale, np.float32))
        z = self.init(base + "_zp", np.array(zero_point, np.uint8))
        return s, z

    def quantize(self, float_name, base, scale, zero_point):
        s, z = self.qparams(base, scale, zero_point)
        out = self.node("QuantizeLinear", [float_name, s, z], base + "_q")
        return QValue(out, s, z, scale, zero_point)

    def requantize_like(self, float_name, base, like):
        """QuantizeLinear with the same (shared) qparams as `like`."""
        out = self.node("QuantizeLinear", [float_name, like.scale_name, like.zp_name], base + "_q")
        return QValue(out, like.scale_name, like.zp_name, like.scale, like.zero_point)

    def dequantize(self, qv, base):
        return self.node("DequantizeLinear", [qv.name, qv.scale_name, qv.zp_name], base + "_dq")


def _tensor_qparams(t, where):
    if not isinstance(t, torch.Tensor) or not t.is_quantized:
        raise ValueError("%s: expected a quantized tensor" % where)
    if t.dtype != torch.quint8 or t.qscheme() != torch.per_tensor_affine:
        raise ValueError("%s: activations must be per-tensor quint8, got %s %s" % (where, t.dtype, t.qscheme()))
    return f32(t.q_scale()), int(t.q_zero_point())


def _weight_and_bias(b, base, module, in_q):
    """DequantizeLinear'd weight and bias names for a quantized conv / linear module."""
    w = module.weight()
    if w.dtype != torch.qint8:
        raise ValueError("%s: weights must be qint8" % base)
    wq = w.int_repr().numpy().astype(np.int8)
    if w.qscheme() in (torch.per_tensor_affine, torch.per_tensor_symmetric):
        w_scales = np.array(f32(w.q_scale()), np.float32)
        w_zps = np.array(w.q_zero_point(), np.int8)
        attrs = {}
    elif w.qscheme() in (torch.per_channel_affine, torch.per_channel_symmetric):
        if w.q_per_channel_axis() != 0:
            raise ValueError("%s: per-channel weights must have axis 0" % base)
        w_scales = w.q_per_channel_scales().numpy().astype(np.float32)
        w_zps = w.q_per_channel_zero_points().numpy().astype(np.int8)
        attrs = {"axis": 0}
    else:
        raise ValueError("%s: unsupported weight qscheme %s" % (base, w.qscheme()))
    w_name = b.node("DequantizeLinear", [b.init(base + "_w", wq), b.init(base + "_w_scale", w_scales),
                                         b.init(base + "_w_zp", w_zps)], base + "_w_dq", **attrs)
    bias = module.bias()
    if bias is None:
        return w_name, None
    bias_scale = (w_scales * f32(in_q.scale)).astype(np.float32)  # f32(w_scale[c] * in_scale)
    bias_q = quantize_bias(bias.detach().numpy(), np.broadcast_to(bias_scale, bias.shape))
    bias_zp = np.zeros(bias_scale.shape, np.int32)
    b_name = b.node("DequantizeLinear", [b.init(base + "_b", bias_q), b.init(base + "_b_scale", bias_scale),
                                         b.init(base + "_b_zp", bias_zp)], base + "_b_dq", **attrs)
    return w_name, b_name


def _pair(v):
    return tuple(v) if isinstance(v, (tuple, list)) else (v, v)


def _conv(b, base, m, x, out_t, relu):
    if m.padding_mode != "zeros":
        raise ValueError("%s: padding_mode %s is not supported" % (base, m.padding_mode))
    w, bias = _weight_and_bias(b, base, m, x)
    kh, kw = _pair(m.kernel_size)
    ph, pw = _pair(m.padding)
    inputs = [b.dequantize(x, base + "_x"), w] + ([bias] if bias else [])
    y = b.node("Conv", inputs, base + "_conv", kernel_shape=[kh, kw], strides=list(_pair(m.stride)),
               pads=[ph, pw, ph, pw], dilations=list(_pair(m.dilation)), group=m.groups)
    if relu:
        y = b.node("Relu", [y], base + "_relu")
    return b.quantize(y, base, *_tensor_qparams(out_t, base))


def _linear(b, base, m, x, x_t, out_t, relu):
    if x_t.dim() != 2:
        raise ValueError("%s: quantized Linear is exported for 2-D inputs only (got %d-D)" % (base, x_t.dim()))
    w, bias = _weight_and_bias(b, base, m, x)
    inputs = [b.dequantize(x, base + "_x"), w] + ([bias] if bias else [])
    y = b.node("Gemm", inputs, base + "_gemm", transB=1)
    if relu:
        y = b.node("Relu", [y], base + "_relu")
    return b.quantize(y, base, *_tensor_qparams(out_t, base))


def _clip(b, base, x, lo, hi):
    """relu6 / hardtanh: Clip between DQ and a Q with the input's own qparams (PyTorch quantizes the bounds with
    the input's qparams and keeps them for the output)."""
    lo_name = b.init(base + "_min", np.array(lo, np.float32))
    hi_name = b.init(base + "_max", np.array(hi, np.float32))
    y = b.node("Clip", [b.dequantize(x, base + "_x"), lo_name, hi_name], base + "_clip")
    return b.requantize_like(y, base, x)


def _unary(b, base, op, x, out_t=None, same_qparams=True, **attrs):
    y = b.node(op, [b.dequantize(x, base + "_x")], base + "_" + op.lower(), **attrs)
    if same_qparams:
        if out_t is not None:
            s, z = _tensor_qparams(out_t, base)
            if s != x.scale or z != x.zero_point:
                raise ValueError("%s: %s changed the qparams (%g, %d) -> (%g, %d)" % (base, op, x.scale,
                                                                                     x.zero_point, s, z))
        return b.requantize_like(y, base, x)
    return b.quantize(y, base, *_tensor_qparams(out_t, base))


def _int_args(args, where):
    if len(args) == 1 and isinstance(args[0], (tuple, list)):
        args = tuple(args[0])
    if not all(isinstance(a, int) for a in args):
        raise ValueError("%s: reshape/view needs constant integer sizes" % where)
    return list(args)


def _flatten_dims(node, ndim):
    args = list(node.args[1:])
    start = node.kwargs.get("start_dim", args[0] if args else 0)
    end = node.kwargs.get("end_dim", args[1] if len(args) > 1 else -1)
    return start, (end + ndim if end < 0 else end)


def export(model, example_input, path=None, opset=None):
    """Writes (if path is given) and returns the ONNX ModelProto of a converted quantized model."""
    model = model.eval()
    gm = torch.fx.symbolic_trace(model)
    modules = dict(gm.named_modules())

    # One run of the traced module records every intermediate tensor (for qparams and shapes).
    values = {}

    class Recorder(torch.fx.Interpreter):
        def run_node(self, n):
            out = super().run_node(n)
            values[n] = out
            return out

    with torch.no_grad():
        Recorder(gm).run(example_input)

    b = _Builder()
    env = {}
    unsupported = []
    outputs = []
    for node in gm.graph.nodes:
        base = node.name
        out_t = values.get(node)
        try:
            env[node] = _emit(b, node, base, env, values, modules, out_t, outputs)
        except _Unsupported as e:
            unsupported.append("%s (%s %s)%s" % (node.name, node.op, _target_name(node), e.args[0] if e.args
                                                 else ""))
            # A stand-in value, so that the nodes after it are still checked (the export fails anyway).
            if isinstance(out_t, torch.Tensor) and out_t.is_quantized:
                env[node] = QValue(base + "_unsupported", "", "", f32(out_t.q_scale()), out_t.q_zero_point())
            else:
                env[node] = FValue(base + "_unsupported")
    if unsupported:
        raise ValueError("export_pytorch: unsupported nodes:\n  " + "\n  ".join(unsupported))
    if len(outputs) != 1 or not isinstance(outputs[0], FValue):
        raise ValueError("export_pytorch: the model must have exactly one float (dequantized) output")
    # Rename the producer of the output to "output".
    final = outputs[0].name
    if final == "input":
        raise ValueError("export_pytorch: the model output is its input")
    for n in b.nodes:
        for i, o in enumerate(n.output):
            if o == final:
                n.output[i] = "output"
        for i, o in enumerate(n.input):
            if o == final:
                n.input[i] = "output"

    in_shape = ["batch"] + list(example_input.shape[1:])
    out_shape = ["batch"] + list(values[[n for n in gm.graph.nodes if n.op == "output"][0]].shape[1:])
    graph = helper.make_graph(b.nodes, "qwasm_export",
                              [helper.make_tensor_value_info("input", TensorProto.FLOAT, in_shape)],
                              [helper.make_tensor_value_info("output", TensorProto.FLOAT, out_shape)],
                              initializer=b.inits)
    model_proto = helper.make_model(graph, producer_name="qwasm-export-pytorch", producer_version="1",
                                    opset_imports=[helper.make_opsetid("", opset or b.opset)])
    model_proto.ir_version = 7
    onnx.checker.check_model(model_proto)
    if path:
        onnx.save(model_proto, path)
    return model_proto


class _Unsupported(Exception):
    pass


def _target_name(node):
    t = node.target
    if isinstance(t, str):
        return t
    return getattr(t, "__qualname__", None) or getattr(t, "__name__", None) or str(t)


def _emit(b, node, base, env, values, modules, out_t, outputs):
    args = list(torch.fx.node.map_arg(node.args, lambda a: env.get(a)))

    def q_arg(i):
        v = args[i]
        if not isinstance(v, QValue):
            raise _Unsupported(": argument %d is not a quantized tensor" % i)
        return v

    if node.op == "placeholder":
        if env.get("_has_input"):
            raise _Unsupported(": only one graph input is supported")
        env["_has_input"] = True
        return FValue("input")
    if node.op == "output":
        outputs.append(args[0])
        return None
    if node.op == "get_attr":
        raise _Unsupported("")

    if node.op == "call_module":
        m = modules[node.target]
        if isinstance(m, nnq.Quantize):
            if not isinstance(args[0], FValue):
                raise _Unsupported(": Quantize of a non-float value")
            if m.dtype != torch.quint8:
                raise _Unsupported(": Quantize dtype must be quint8")
            return b.quantize(args[0].name, base, f32(m.scale.item()), int(m.zero_point.item()))
        if isinstance(m, nnq.DeQuantize):
            return FValue(b.dequantize(q_arg(0), base))
        if isinstance(m, PASS_THROUGH_MODULES) or (node.target.endswith("activation_post_process")
                                                    and isinstance(m, nn.Identity)):
            return args[0]
        x = q_arg(0)
        # Order matters: the intrinsic (fused) classes derive from the plain quantized ones.
        if isinstance(m, nniq.ConvReLU2d):
            return _conv(b, base, m, x, out_t, True)
        if isinstance(m, nnq.Conv2d):
            return _conv(b, base, m, x, out_t, False)
        if isinstance(m, nniq.LinearReLU):
            return _linear(b, base, m, x, values[node.args[0]], out_t, True)
        if isinstance(m, nnq.Linear):
            return _linear(b, base, m, x, values[node.args[0]], out_t, False)
        if isinstance(m, (nnq.ReLU6, nn.ReLU6)):
            return _clip(b, base, x, 0.0, 6.0)
        if isinstance(m, nn.Hardtanh):
            return _clip(b, base, x, m.min_val, m.max_val)
        if isinstance(m, nn.ReLU):
            return _unary(b, base, "Relu", x, out_t)
        if isinstance(m, nnq.Hardswish):
            b.opset = max(b.opset, 14)
            return _unary(b, base, "HardSwish", x, out_t, same_qparams=False)
        if isinstance(m, nn.Sigmoid):
            return _unary(b, base, "Sigmoid", x, out_t, same_qparams=False)
        if isinstance(m, nn.MaxPool2d):
            if m.return_indices:
                raise _Unsupported(": return_indices")
            ph, pw = _pair(m.padding)
            kernel = list(_pair(m.kernel_size))
            stride = list(_pair(m.stride if m.stride is not None else m.kernel_size))
            return _unary(b, base, "MaxPool", x, out_t, kernel_shape=kernel, strides=stride,
                          pads=[ph, pw, ph, pw], dilations=list(_pair(m.dilation)), ceil_mode=int(m.ceil_mode))
        if isinstance(m, nn.AvgPool2d):
            ph, pw = _pair(m.padding)
            if m.ceil_mode or m.divisor_override is not None:
                raise _Unsupported(": AvgPool2d with ceil_mode or divisor_override")
            if (ph or pw) and not m.count_include_pad:
                raise _Unsupported(": AvgPool2d count_include_pad=False with padding (PyTorch's qnnpack path "
                                   "ignores it)")
            kernel = list(_pair(m.kernel_size))
            stride = list(_pair(m.stride if m.stride is not None else m.kernel_size))
            return _unary(b, base, "AveragePool", x, out_t, same_qparams=False, kernel_shape=kernel,
                          strides=stride, pads=[ph, pw, ph, pw], count_include_pad=int(bool(ph or pw)))
        if isinstance(m, nn.AdaptiveAvgPool2d):
            if _pair(m.output_size) != (1, 1):
                raise _Unsupported(": only AdaptiveAvgPool2d(1) is supported")
            return _unary(b, base, "GlobalAveragePool", x, out_t, same_qparams=False)
        if isinstance(m, nn.Flatten):
            if m.start_dim != 1 or m.end_dim not in (-1, values[node.args[0]].dim() - 1):
                raise _Unsupported(": only Flatten(1, -1)")
            return _unary(b, base, "Flatten", x, out_t, axis=1)
        raise _Unsupported(": module %s" % type(m).__name__)

    if node.op in ("call_function", "call_method"):
        t = node.target
        qops = torch.ops.quantized
        if t in (qops.add, qops.add_relu, qops.mul):
            a, c = q_arg(0), q_arg(1)
            op = "Mul" if t == qops.mul else "Add"
            y = b.node(op, [b.dequantize(a, base + "_a"), b.dequantize(c, base + "_b")], base + "_" + op.lower())
            if t == qops.add_relu:
                y = b.node("Relu", [y], base + "_relu")
            return b.quantize(y, base, *_tensor_qparams(out_t, base))
        if t == qops.cat:
            tensors = args[0]
            dim = node.kwargs.get("dim", args[1] if len(args) > 1 else 0)
            if not all(isinstance(v, QValue) for v in tensors):
                raise _Unsupported(": cat of non-quantized tensors")
            ndim = out_t.dim()
            y = b.node("Concat", [b.dequantize(v, base + "_x") for v in tensors], base + "_concat",
                       axis=dim + ndim if dim < 0 else dim)
            return b.quantize(y, base, *_tensor_qparams(out_t, base))
        if t in (qops.add_scalar, qops.mul_scalar):
            x = q_arg(0)
            c = args[1]
            if not isinstance(c, (int, float)):
                raise _Unsupported(": non-constant scalar")
            op = "Add" if t == qops.add_scalar else "Mul"
            c_name = b.init(base + "_c", np.array(c, np.float32))
            y = b.node(op, [b.dequantize(x, base + "_x"), c_name], base + "_" + op.lower())
            return b.quantize(y, base, *_tensor_qparams(out_t, base))
        if t in (torch.flatten, "flatten"):
            x = q_arg(0)
            start, end = _flatten_dims(node, values[node.args[0]].dim())
            if start != 1 or end != values[node.args[0]].dim() - 1:
                raise _Unsupported(": only flatten(x, 1)")
            return _unary(b, base, "Flatten", x, out_t, axis=1)
        if t in ("reshape", "view", torch.reshape):
            x = q_arg(0)
            shape = _int_args(args[1:], base)
            shape_name = b.init(base + "_shape", np.array(shape, np.int64))
            y = b.node("Reshape", [b.dequantize(x, base + "_x"), shape_name], base + "_reshape")
            return b.requantize_like(y, base, x)
        if t in (torch.relu, F.relu, "relu"):
            return _unary(b, base, "Relu", q_arg(0), out_t)
        if t in (torch.sigmoid, "sigmoid"):
            return _unary(b, base, "Sigmoid", q_arg(0), out_t, same_qparams=False)
        if t == F.relu6:
            return _clip(b, base, q_arg(0), 0.0, 6.0)
        if t == F.hardtanh:
            lo = node.kwargs.get("min_val", args[1] if len(args) > 1 else -1.0)
            hi = node.kwargs.get("max_val", args[2] if len(args) > 2 else 1.0)
            return _clip(b, base, q_arg(0), float(lo), float(hi))
        if t == "contiguous" or t == operator.pos:
            return args[0]
        raise _Unsupported("")
    raise _Unsupported("")


def load_model(spec):
    """MODEL argument: "package.module:function" (a function returning the converted module) or a file written
    with torch.save(model, path)."""
    if ":" in spec and not os.path.exists(spec):
        import importlib
        module_name, func = spec.split(":", 1)
        return getattr(importlib.import_module(module_name), func)()
    return torch.load(spec)


def main(argv=None):
    p = argparse.ArgumentParser(
        description="Export a converted eager-mode torch.ao.quantization model (qnnpack) to an ONNX QDQ file "
                    "with PyTorch's exact semantics (rounded int32 biases, relu6/hardtanh, add_scalar, ...). "
                    "See the top of this file for the supported modules and functions.")
    p.add_argument("model", help="module:function returning the converted quantized module (preferred), or a "
                                 "file saved with torch.save(model, path)")
    p.add_argument("input_shape", help="example input shape, e.g. 1,3,8,8 (the batch dim is made symbolic)")
    p.add_argument("output", help="the .onnx file to write")
    p.add_argument("--seed", type=int, default=0, help="seed of the random example input")
    p.add_argument("--path", action="append", default=[],
                   help="directory added to sys.path to import the model's module (repeatable)")
    a = p.parse_args(argv)
    sys.path[:0] = a.path
    torch.backends.quantized.engine = "qnnpack"
    model = load_model(a.model)
    shape = [int(s) for s in a.input_shape.split(",")]
    example = torch.randn(*shape, generator=torch.Generator().manual_seed(a.seed))
    proto = export(model, example, a.output)
    print("%s: %d nodes, opset %d" % (a.output, len(proto.graph.node), proto.opset_import[0].version))


if __name__ == "__main__":
    main()
