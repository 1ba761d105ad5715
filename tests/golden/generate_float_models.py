#!/usr/bin/env python3
"""Small float ONNX models exported from PyTorch, and their PyTorch outputs, for the float runtime.

    python3 tests/golden/generate_float_models.py   # rewrites tests/golden/models/float_*.onnx (not float_conv.onnx)
                                                    # and tests/golden/float_models.qgf

Models (torch.onnx.export, eval mode, fixed input shapes; together they use every float compute op qwasm runs):
    float_convnet      Conv+BatchNorm+ReLU, MaxPool, Conv+BN+ReLU, AveragePool (ceil_mode, pads,
                       count_include_pad=0), a BatchNorm not after a Conv, 1x1 Conv, GlobalAveragePool, Flatten,
                       Gemm (Linear), Softmax                                                   opset 13
    float_mobilenet    MobileNetV3-style block: 1x1 Conv+BN+ReLU6 (Clip), depthwise 3x3 Conv+BN+Hardswish,
                       squeeze-excite (GlobalAveragePool, 1x1 Convs, ReLU, Hardsigmoid, Mul), 1x1 project
                       Conv+BN, residual Add, Concat, strided depthwise Conv with dilation     opset 14 (HardSwish
                       is an ONNX op from opset 14; at 13 PyTorch writes it as x * HardSigmoid)
    float_matmul       MatMul with a weight and batched MatMul of two activations, Transpose, Reshape, Linear on
                       3-D (MatMul + Add), Concat (the exporter folds h.shape[0] of a fixed-shape input, so the
                       file has no Shape / Gather nodes)                                         opset 13
    float_activations  Sigmoid, LeakyRelu, Tanh, Mul, Sub, Div with broadcasting                  opset 13

qgf cases (float_models.qgf), two seeded inputs per model:
    model str (file name), input_shape i64, input f32, output_shape i64, output f32 (PyTorch's float output)

BatchNorm statistics are randomized (running_mean / running_var / weight / bias) so that folding them matters.
Deterministic: torch seeded below. Run with /usr/bin/python3 (python3-torch 1.13, python3-onnx).
"""
import os
import sys

try:
    import torch
    import onnx
except ImportError:
    if os.path.exists("/usr/bin/python3") and os.path.realpath(sys.executable) != "/usr/bin/python3":
        os.execv("/usr/bin/python3", ["/usr/bin/python3"] + sys.argv)
    raise

import torch.nn as nn
import torch.nn.functional as F

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from qgf import Writer  # noqa: E402

OUT = os.path.join(HERE, "models")
MAX_BYTES = 100 * 1024


def randomize_bn(module):
    for m in module.modules():
        if isinstance(m, nn.BatchNorm2d):
            c = m.num_features
            m.running_mean.copy_(torch.randn(c) * 0.5)
            m.running_var.copy_(torch.rand(c) * 1.5 + 0.25)
            m.weight.data.copy_(torch.rand(c) * 1.5 + 0.5)
            m.bias.data.copy_(torch.randn(c) * 0.3)


class ConvNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 8, 3, padding=1)
        self.bn1 = nn.BatchNorm2d(8)
        self.pool1 = nn.MaxPool2d(2)
        self.conv2 = nn.Conv2d(8, 12, 3, stride=1, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(12)
        self.pool2 = nn.AvgPool2d(3, stride=2, padding=1, ceil_mode=True, count_include_pad=False)
        self.bn3 = nn.BatchNorm2d(12)  # after a pool: stays a BatchNormalization node
        self.conv3 = nn.Conv2d(12, 16, 1)
        self.fc = nn.Linear(16, 10)

    def forward(self, x):
        x = self.pool1(F.relu(self.bn1(self.conv1(x))))
        x = self.pool2(F.relu(self.bn2(self.conv2(x))))
        x = self.conv3(self.bn3(x))
        x = F.adaptive_avg_pool2d(x, 1)
        x = torch.flatten(x, 1)
        return F.softmax(self.fc(x), dim=1)


class MobileBlock(nn.Module):
    def __init__(self, c=8, e=16):
        super().__init__()
        self.expand = nn.Conv2d(c, e, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(e)
        self.dw = nn.Conv2d(e, e, 3, padding=1, groups=e, bias=False)
        self.bn2 = nn.BatchNorm2d(e)
        self.se_reduce = nn.Conv2d(e, 4, 1)
        self.se_expand = nn.Conv2d(4, e, 1)
        self.project = nn.Conv2d(e, c, 1, bias=False)
        self.bn3 = nn.BatchNorm2d(c)
        self.down = nn.Conv2d(2 * c, 2 * c, 3, stride=2, padding=2, dilation=2, groups=2 * c)

    def forward(self, x):
        y = F.relu6(self.bn1(self.expand(x)))
        y = F.hardswish(self.bn2(self.dw(y)))
        s = F.adaptive_avg_pool2d(y, 1)
        s = F.hardsigmoid(self.se_expand(F.relu(self.se_reduce(s))))
        y = self.bn3(self.project(y * s))
        y = y + x
        return self.down(torch.cat([y, x], dim=1))


class MatMulNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.w = nn.Parameter(torch.randn(6, 8) * 0.3)
        self.fc = nn.Linear(8, 5)

    def forward(self, x):                      # x: [2, 4, 6]
        h = torch.matmul(x, self.w)            # [2, 4, 8]  MatMul with a constant
        a = torch.matmul(h, h.transpose(1, 2))  # [2, 4, 4]  batched MatMul of activations, Transpose
        a = a.reshape(2, 16)                   # constant shape
        h = self.fc(h)                         # [2, 4, 5]  MatMul + Add
        h = h.reshape(h.shape[0], -1)          # shape computed by Shape / Gather / Unsqueeze / Concat
        return torch.cat([a, h], dim=1)        # [2, 36]


class Activations(nn.Module):
    def __init__(self):
        super().__init__()
        self.scale = nn.Parameter(torch.rand(3, 1, 1) + 0.5)
        self.shift = nn.Parameter(torch.randn(5) * 0.2)

    def forward(self, x):                      # x: [2, 3, 4, 5]
        a = torch.sigmoid(x) * self.scale
        b = F.leaky_relu(x, 0.1) - self.shift
        c = torch.tanh(x) / (self.scale + 1.0)
        return a * b + c


MODELS = [
    # name, module factory, input shape, opset
    ("float_convnet", ConvNet, [1, 3, 16, 16], 13),
    ("float_mobilenet", MobileBlock, [1, 8, 12, 12], 14),
    ("float_matmul", MatMulNet, [2, 4, 6], 13),
    ("float_activations", Activations, [2, 3, 4, 5], 13),
]

# Every float compute op the runtime implements must appear in some model.
REQUIRED_OPS = {
    "Conv", "Gemm", "MatMul", "Add", "Sub", "Mul", "Div", "Relu", "Clip", "Sigmoid", "HardSigmoid", "HardSwish",
    "LeakyRelu", "Tanh", "Concat", "MaxPool", "AveragePool", "GlobalAveragePool", "BatchNormalization", "Softmax",
    "Flatten", "Reshape", "Transpose",
}


def main():
    torch.manual_seed(20261123)
    writer = Writer(os.path.join(HERE, "float_models.qgf"),
                    "Float ONNX models (tests/golden/models/float_*.onnx) and PyTorch 1.13 float outputs.\n"
                    "Written by tests/golden/generate_float_models.py; fields: model, input_shape, input,\n"
                    "output_shape, output.")
    seen = set()
    for name, factory, shape, opset in MODELS:
        model = factory()
        randomize_bn(model)
        model.eval()
        path = os.path.join(OUT, name + ".onnx")
        example = torch.randn(*shape)
        with torch.no_grad():
            # PRESERVE with eval(): BatchNorm stays a node (EVAL mode would fold it into the Conv at export).
            torch.onnx.export(model, example, path, opset_version=opset, input_names=["input"],
                              output_names=["output"], do_constant_folding=True,
                              training=torch.onnx.TrainingMode.PRESERVE)
        proto = onnx.load(path)
        onnx.checker.check_model(proto)
        ops = {n.op_type for n in proto.graph.node}
        seen |= ops
        size = os.path.getsize(path)
        assert size < MAX_BYTES, (name, size)
        print("%-18s opset %d %6d bytes  %s" % (name, opset, size, " ".join(sorted(ops))))
        for i in range(2):
            x = example if i == 0 else torch.randn(*shape) * 2.0
            with torch.no_grad():
                y = model(x)
            writer.case("%s_%d" % (name, i), model=("str", name + ".onnx"), input_shape=("i64", list(x.shape)),
                        input=("f32", x.flatten().tolist()), output_shape=("i64", list(y.shape)),
                        output=("f32", y.flatten().tolist()))
    writer.close()
    missing = REQUIRED_OPS - seen
    assert not missing, "ops not covered: %s" % sorted(missing)
    print("ops:", " ".join(sorted(seen)))


if __name__ == "__main__":
    main()
