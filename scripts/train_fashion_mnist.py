#!/usr/bin/env python3
"""Trains qwasm's default model, a small CNN on Fashion-MNIST, and writes everything in models/.

    /usr/bin/python3 scripts/train_fashion_mnist.py [--data DIR] [--out DIR] [--epochs N] [--test-subset N]

Needs python3-torch, python3-numpy, python3-onnx (`scripts/setup --golden`) and the Debian package
dataset-fashion-mnist (the four IDX .gz files in /usr/share/datasets/fashion-mnist/). No torchvision: the IDX files
are read with gzip + numpy. CPU only, one thread, seeded: a rerun on the same machine and PyTorch build writes the
same files. About 2-4 minutes of CPU.

Steps:
  1. train the float model (Adam, 3 epochs, batch 64, seed 0) on the 60,000 training images,
     input x = float32(pixel) / 255 as float32 [batch, 1, 28, 28] (no mean/std normalization);
  2. eval mode, fuse conv+bn+relu (torch.ao.quantization.fuse_modules, i.e. PyTorch's fuse_conv_bn_eval) and export
     that fused float model (BN folded into the conv weights and biases, QuantStub/DeQuantStub are identities) to
     fashion_mnist_float.onnx with torch.onnx.export, opset 13, input "input" [batch,1,28,28], output "logits"
     [batch,10]; its Conv weights are bit-identical to the float weights PyTorch's PTQ observes;
  3. PTQ: qconfig = get_default_qconfig('qnnpack') (HistogramObserver quint8 activations, MinMaxObserver qint8
     per-tensor symmetric weights), engine qnnpack, calibrated on the first 1,000 training images in 10 batches
     of 100, convert;
  4. export the converted model with scripts/export_pytorch.py to fashion_mnist_int8.onnx (its graph output is
     renamed from "output" to "logits", like the float model's);
  5. evaluate float and int8 on the full 10,000 test images and on the shipped subset (the first --test-subset
     test images), and write the subsets, the reference predictions and README.md's figures.

Files written in --out (models/ by default):
  fashion_mnist_float.onnx          fused float model
  fashion_mnist_int8.onnx           PyTorch-PTQ int8 model (QDQ, export_pytorch.py)
  fashion_mnist_calibration.npy     float32 [1000,1,28,28], already divided by 255 (the exact calibration input)
  fashion_mnist_test.npy            uint8 [N,1,28,28] raw pixels (divide by 255 in float32 to get the input)
  fashion_mnist_test_labels.npy     uint8 [N]
  fashion_mnist_test_int8_logits.npy float32 [N,10] PyTorch's int8 model outputs (dequantized; bit-exact target)
  reference_predictions.json        classes, qparams summary, accuracies, float and int8 predicted classes
"""
import argparse
import gzip
import json
import os
import re
import sys
import time

try:
    import torch
    import onnx
except ImportError:
    if os.path.exists("/usr/bin/python3") and os.path.realpath(sys.executable) != "/usr/bin/python3":
        os.execv("/usr/bin/python3", ["/usr/bin/python3"] + sys.argv)
    raise

import numpy as np
import torch.nn as nn
from torch.ao.quantization import DeQuantStub, QuantStub, convert, fuse_modules, get_default_qconfig, prepare

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from export_pytorch import export as export_pt  # noqa: E402

CLASSES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag",
           "Ankle boot"]
SEED = 0
BATCH = 64
LR = 1e-3
CALIB_IMAGES = 1000
CALIB_BATCH = 100


def read_idx(path):
    """An IDX file (optionally .gz) as a numpy uint8 array."""
    with (gzip.open(path, "rb") if path.endswith(".gz") else open(path, "rb")) as f:
        data = f.read()
    zero, dtype, ndim = data[0] * 256 + data[1], data[2], data[3]
    if zero != 0 or dtype != 0x08:
        raise ValueError("%s: not an unsigned-byte IDX file" % path)
    dims = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim)]
    arr = np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim)
    if arr.size != int(np.prod(dims)):
        raise ValueError("%s: %d bytes of data for dims %s" % (path, arr.size, dims))
    return arr.reshape(dims)


def load(data_dir, split):
    def find(stem):
        for name in (stem + ".gz", stem):
            p = os.path.join(data_dir, name)
            if os.path.exists(p):
                return p
        raise FileNotFoundError("%s not found in %s (apt-get install dataset-fashion-mnist)" % (stem, data_dir))
    prefix = "train" if split == "train" else "t10k"
    images = read_idx(find(prefix + "-images-idx3-ubyte"))
    labels = read_idx(find(prefix + "-labels-idx1-ubyte"))
    return images.reshape(-1, 1, 28, 28), labels


def to_input(pixels):
    """uint8 [N,1,28,28] -> float32 pixel / 255 (float32 division, as every loader must do)."""
    return torch.from_numpy(np.array(pixels, dtype=np.uint8)).to(torch.float32) / 255.0


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.quant = QuantStub()
        self.conv1 = nn.Conv2d(1, 16, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(16)
        self.relu1 = nn.ReLU()
        self.pool1 = nn.MaxPool2d(2)
        self.conv2 = nn.Conv2d(16, 32, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(32)
        self.relu2 = nn.ReLU()
        self.pool2 = nn.MaxPool2d(2)
        self.conv3 = nn.Conv2d(32, 32, 3, padding=1, bias=False)
        self.bn3 = nn.BatchNorm2d(32)
        self.relu3 = nn.ReLU()
        self.fc = nn.Linear(32 * 7 * 7, 10)
        self.dequant = DeQuantStub()

    def forward(self, x):
        x = self.quant(x)
        x = self.pool1(self.relu1(self.bn1(self.conv1(x))))
        x = self.pool2(self.relu2(self.bn2(self.conv2(x))))
        x = self.relu3(self.bn3(self.conv3(x)))
        x = torch.flatten(x, 1)
        x = self.fc(x)
        return self.dequant(x)


FUSE = [["conv1", "bn1", "relu1"], ["conv2", "bn2", "relu2"], ["conv3", "bn3", "relu3"]]


def predict(model, x, batch=500):
    outs = []
    with torch.no_grad():
        for i in range(0, x.shape[0], batch):
            outs.append(model(x[i:i + batch]))
    return torch.cat(outs)


def accuracy(pred, labels):
    return float((pred == labels).sum()) / len(labels)


def onnx_size(path):
    return os.path.getsize(path)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    p.add_argument("--out", default=os.path.join(HERE, "..", "models"))
    p.add_argument("--epochs", type=int, default=3)
    p.add_argument("--test-subset", type=int, default=2000, help="test images shipped (the first N)")
    p.add_argument("--train-images", type=int, default=60000, help="train on the first N images (smoke tests)")
    args = p.parse_args(argv)

    torch.set_num_threads(1)
    torch.manual_seed(SEED)
    torch.use_deterministic_algorithms(True)
    os.makedirs(args.out, exist_ok=True)
    t0 = time.time()

    train_px, train_y = load(args.data, "train")
    test_px, test_y = load(args.data, "test")
    x_train, y_train = to_input(train_px), torch.from_numpy(train_y.astype(np.int64))
    x_fit, y_fit = x_train[:args.train_images], y_train[:args.train_images]
    x_test, y_test = to_input(test_px), torch.from_numpy(test_y.astype(np.int64))
    print("data: train %s, test %s" % (tuple(x_train.shape), tuple(x_test.shape)))

    # 1. float training
    model = Net()
    opt = torch.optim.Adam(model.parameters(), lr=LR)
    steps_per_epoch = (x_fit.shape[0] + BATCH - 1) // BATCH
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=3e-3, epochs=args.epochs,
                                                steps_per_epoch=steps_per_epoch)
    gen = torch.Generator().manual_seed(SEED)
    loss_fn = nn.CrossEntropyLoss()
    for epoch in range(args.epochs):
        model.train()
        perm = torch.randperm(x_fit.shape[0], generator=gen)
        total = 0.0
        for i in range(0, x_fit.shape[0], BATCH):
            idx = perm[i:i + BATCH]
            opt.zero_grad()
            loss = loss_fn(model(x_fit[idx]), y_fit[idx])
            loss.backward()
            opt.step()
            sched.step()
            total += float(loss) * len(idx)
        model.eval()
        acc = accuracy(predict(model, x_test).argmax(1), y_test)
        print("epoch %d: loss %.4f, float test accuracy %.4f (%.0f s)" % (epoch + 1, total / x_fit.shape[0],
                                                                          acc, time.time() - t0))

    # 2. fused float model -> ONNX
    model.eval()
    fused = fuse_modules(model, FUSE)
    float_logits = predict(fused, x_test)
    unfused_logits = predict(model, x_test)
    float_pred = float_logits.argmax(1)
    print("fused vs unfused float: max |diff| %.3g, %d prediction(s) differ" % (
        float((float_logits - unfused_logits).abs().max()), int((float_pred != unfused_logits.argmax(1)).sum())))
    float_path = os.path.join(args.out, "fashion_mnist_float.onnx")
    torch.onnx.export(fused, x_test[:1], float_path, opset_version=13, input_names=["input"],
                      output_names=["logits"], dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}},
                      do_constant_folding=True)
    check_float_onnx(float_path, fused)

    # 3. PTQ (eager mode, qnnpack)
    torch.backends.quantized.engine = "qnnpack"
    qmodel = fuse_modules(model, FUSE)  # fuse_modules copies by default
    qmodel.qconfig = get_default_qconfig("qnnpack")
    prepare(qmodel, inplace=True)
    x_calib = x_train[:CALIB_IMAGES]
    with torch.no_grad():
        for i in range(0, CALIB_IMAGES, CALIB_BATCH):
            qmodel(x_calib[i:i + CALIB_BATCH])
    convert(qmodel, inplace=True)
    print(qmodel)
    int8_logits = predict(qmodel, x_test)
    int8_pred = int8_logits.argmax(1)

    # 4. int8 ONNX
    int8_path = os.path.join(args.out, "fashion_mnist_int8.onnx")
    proto = export_pt(qmodel, x_test[:1])
    for n in proto.graph.node:
        n.output[:] = ["logits" if o == "output" else o for o in n.output]
        n.input[:] = ["logits" if o == "output" else o for o in n.input]
    proto.graph.output[0].name = "logits"
    onnx.checker.check_model(proto)
    onnx.save(proto, int8_path)

    # 5. subsets, references, figures
    n = args.test_subset
    np.save(os.path.join(args.out, "fashion_mnist_calibration.npy"), x_calib.numpy().astype(np.float32))
    np.save(os.path.join(args.out, "fashion_mnist_test.npy"), np.ascontiguousarray(test_px[:n]))
    np.save(os.path.join(args.out, "fashion_mnist_test_labels.npy"), np.ascontiguousarray(test_y[:n]))
    np.save(os.path.join(args.out, "fashion_mnist_test_int8_logits.npy"), int8_logits[:n].numpy().astype(np.float32))

    acc = {
        "float_full": accuracy(float_pred, y_test),
        "int8_full": accuracy(int8_pred, y_test),
        "float_subset": accuracy(float_pred[:n], y_test[:n]),
        "int8_subset": accuracy(int8_pred[:n], y_test[:n]),
    }
    agree_full = accuracy(int8_pred, float_pred)
    qparams = {}
    for name, m in qmodel.named_modules():
        if hasattr(m, "scale") and hasattr(m, "zero_point") and name:
            qparams[name] = {"scale": float(m.scale), "zero_point": int(m.zero_point)}
    ref = {
        "model": "fashion_mnist_int8.onnx",
        "float_model": "fashion_mnist_float.onnx",
        "test_images": "fashion_mnist_test.npy",
        "test_labels": "fashion_mnist_test_labels.npy",
        "int8_logits": "fashion_mnist_test_int8_logits.npy",
        "preprocessing": "input = float32(pixel) / 255, shape [batch, 1, 28, 28]",
        "classes": CLASSES,
        "count": n,
        "torch": torch.__version__,
        "engine": "qnnpack",
        "qconfig": "get_default_qconfig('qnnpack')",
        "calibration": "first %d training images, %d batches of %d" % (CALIB_IMAGES, CALIB_IMAGES // CALIB_BATCH,
                                                                      CALIB_BATCH),
        "output_qparams": qparams,
        "accuracy": acc,
        "int8_float_agreement_full": agree_full,
        "int8_pred": [int(v) for v in int8_pred[:n]],
        "float_pred": [int(v) for v in float_pred[:n]],
    }
    with open(os.path.join(args.out, "reference_predictions.json"), "w") as f:
        f.write(dump_json(ref))

    print("float ONNX %d bytes, int8 ONNX %d bytes" % (onnx_size(float_path), onnx_size(int8_path)))
    print("accuracy: float %.4f / int8 %.4f on 10,000; float %.4f / int8 %.4f on the first %d; "
          "int8 == float predictions on %.4f of 10,000" % (acc["float_full"], acc["int8_full"],
                                                           acc["float_subset"], acc["int8_subset"], n, agree_full))
    print("done in %.0f s" % (time.time() - t0))


def dump_json(obj):
    """indent=1 JSON with lists of numbers on one line."""
    text = json.dumps(obj, indent=1)
    text = re.sub(r"\[\s*(-?[0-9][-0-9.e,\s]*?)\s*\]",
                  lambda m: "[" + ", ".join(v.strip() for v in m.group(1).split(",")) + "]", text)
    return text + "\n"


def check_float_onnx(path, fused):
    """The ONNX Conv/Gemm weights must be PyTorch's fused float weights, bit for bit."""
    from onnx import numpy_helper
    m = onnx.load(path)
    inits = {i.name: numpy_helper.to_array(i) for i in m.graph.initializer}
    ours = {k: v.numpy() for k, v in fused.state_dict().items()}
    found = 0
    for k, v in ours.items():
        match = [n for n, a in inits.items() if a.shape == v.shape and np.array_equal(a, v)]
        if match:
            found += 1
        else:
            raise RuntimeError("float ONNX: no initializer equals %s bit for bit" % k)
    ops = [n.op_type for n in m.graph.node]
    if "BatchNormalization" in ops:
        raise RuntimeError("float ONNX still has BatchNormalization")
    print("float ONNX: %s; %d weight tensors identical to the fused model's" % (", ".join(ops), found))


if __name__ == "__main__":
    main()
