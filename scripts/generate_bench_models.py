#!/usr/bin/env python3
"""Benchmark models for bench/models.mjs (issue #8): torchvision's quantizable MobileNetV2 and ResNet-18 with
seeded random weights, quantized in PyTorch (eager mode, qnnpack) and written as ONNX twice.

    python3 scripts/generate_bench_models.py [--out DIR] [--only mobilenet_v2,resnet18] [--float]
                                                                   # default DIR bench/models

Per model NAME (mobilenet_v2, resnet18), in DIR (bench/models/ is git-ignored: the files are large and
regenerable, so they are never committed):
    pt_NAME.onnx   written by scripts/export_pytorch.py (library API: export(model, example, path))
    tx_NAME.onnx   written by torch.onnx.export(opset 13, input "input", output "output", dynamic batch)
    NAME.json      how the model was built: seeds, qconfig, export results (or the exporter's message on failure)
    float_NAME.onnx, NAME_calibration.npy, NAME_calibration.json  (with --float; for bench/calibration.mjs)
                   the same network in float before quantization (eval, BN unfused: qwasm folds it), written by
                   torch.onnx.export (opset 13, input "input" [batch,3,224,224], output "output"), 32 seeded
                   N(0, 1) calibration images float32 [32,3,224,224], and the time PyTorch's own eager-mode PTQ
                   takes on them (fuse_model, prepare with the qnnpack qconfig, 32 forward passes of batch 1,
                   convert; 1 thread) as the comparison for qwasm's calibration time
    NAME_bench_input.npy / NAME_pytorch_output.npy
                   bench/models.mjs's input (seeded_floats below: the LCG of tests/js/seeded.mjs, seed 1, uniform
                   [-2, 2), float32 1x3x224x224) and the converted PyTorch module's output on it (qnnpack), the
                   bit-exact target for qwasm on pt_NAME.onnx

Recipe (the same for both models): torch.manual_seed(SEED); torchvision.models.quantization.NAME(weights=None,
quantize=False) (torchvision's own init: kaiming-normal convs, BN weight 1 / bias 0); the BN running statistics are
then set from a few seeded random batches in train mode (so the folded convs have non-trivial scale/shift, as a
trained network would); eval(); fuse_model(); qconfig = get_default_qconfig("qnnpack") (HistogramObserver
activations, per-tensor symmetric qint8 MinMax weights); prepare; calibrate on CALIB_BATCHES seeded
N(0, 1) batches of shape 1x3x224x224; convert.

Work-arounds (in this script only, for scripts/export_pytorch.py):
  * QuantizableMobileNetV2._forward_impl calls nn.functional.adaptive_avg_pool2d(x, (1, 1)), which the exporter
    does not support (a call_function, it only knows the nn.AdaptiveAvgPool2d module). The converted model's
    forward is rebound to an equivalent one using an nn.AdaptiveAvgPool2d(1) module (same quantized op, same
    numbers: checked below, outputs identical). The unpatched attempt and its message are recorded in NAME.json.
Dropout (MobileNetV2's classifier) and nn.Identity are pass-through in the exporter; the FloatFunctional add
(QuantizableInvertedResidual) and add_relu (QuantizableBasicBlock) are supported.

Prints each file's size and op histogram. /usr/bin/python3 (python3-torch 1.13, torchvision 0.14, onnx) is used:
importing export_pytorch re-executes this script with it when torch is missing.
"""
import argparse
import collections
import io
import json
import os
import sys
import time
import types

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
# export_pytorch re-executes this script with /usr/bin/python3 (python3-torch) when torch is missing.
from export_pytorch import export as export_pt  # noqa: E402

import numpy as np  # noqa: E402
import onnx  # noqa: E402
import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torchvision  # noqa: E402
from torch.ao.quantization import convert, get_default_qconfig, prepare  # noqa: E402

torch.backends.quantized.engine = "qnnpack"
SEED = 0
CALIB_BATCHES = 4
BN_BATCHES = 2
SHAPE = (1, 3, 224, 224)
MODELS = ("mobilenet_v2", "resnet18")


def seeded_floats(count, seed=1, amplitude=2.0):
    """tests/js/seeded.mjs's seededFloats: the same float32 values as the JS harness feeds."""
    out = np.empty(count, np.float64)
    st = seed & 0xFFFFFFFF
    for i in range(count):
        st = (st * 1664525 + 1013904223) & 0xFFFFFFFF
        out[i] = (st / 2 ** 32 - 0.5) * 2 * amplitude
    return out.astype(np.float32)


def mobilenet_forward_impl(self, x):
    """QuantizableMobileNetV2._forward_impl with the functional adaptive_avg_pool2d replaced by a module."""
    x = self.features(x)
    x = self.bench_pool(x)
    x = torch.flatten(x, 1)
    x = self.classifier(x)
    return x


def build_float(name):
    """The float network (eval mode, BN statistics from seeded batches, not fused)."""
    torch.manual_seed(SEED)
    ctor = getattr(torchvision.models.quantization, name)
    model = ctor(weights=None, quantize=False)
    # BN statistics from seeded random batches (train mode, momentum None = cumulative average).
    gen = torch.Generator().manual_seed(SEED + 100)
    for m in model.modules():
        if isinstance(m, nn.BatchNorm2d):
            m.momentum = None
            m.reset_running_stats()
    model.train()
    with torch.no_grad():
        for _ in range(BN_BATCHES):
            model(torch.randn((2,) + SHAPE[1:], generator=gen))
    return model.eval()


def build(name):
    model = build_float(name)
    model.fuse_model()
    model.qconfig = get_default_qconfig("qnnpack")
    prepare(model, inplace=True)
    gen = torch.Generator().manual_seed(SEED + 200)
    with torch.no_grad():
        for _ in range(CALIB_BATCHES):
            model(torch.randn(SHAPE, generator=gen))
    convert(model, inplace=True)
    return model.eval()


CALIBRATION_IMAGES = 32


def generate_float(name, out):
    """float_NAME.onnx + NAME_calibration.npy + PyTorch's PTQ time on those images (bench/calibration.mjs)."""
    model = build_float(name)
    path = os.path.join(out, "float_%s.onnx" % name)
    example = torch.randn(SHAPE, generator=torch.Generator().manual_seed(SEED + 300))
    with torch.no_grad():
        torch.onnx.export(model, (example,), path, opset_version=13, input_names=["input"], output_names=["output"],
                          dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}})
    images = torch.randn((CALIBRATION_IMAGES,) + SHAPE[1:], generator=torch.Generator().manual_seed(SEED + 400))
    np.save(os.path.join(out, "%s_calibration.npy" % name), images.numpy())
    timings = []
    for _ in range(3):
        m = build_float(name)
        t0 = time.perf_counter()
        m.fuse_model()
        m.qconfig = get_default_qconfig("qnnpack")
        prepare(m, inplace=True)
        t1 = time.perf_counter()
        with torch.no_grad():
            for i in range(CALIBRATION_IMAGES):
                m(images[i:i + 1])
        t2 = time.perf_counter()
        convert(m, inplace=True)
        t3 = time.perf_counter()
        timings.append({"prepare_s": t1 - t0, "observe_s": t2 - t1, "convert_s": t3 - t2, "total_s": t3 - t0})
    best = min(timings, key=lambda t: t["total_s"])
    info = {"float_onnx": describe(path), "images": CALIBRATION_IMAGES, "torch": torch.__version__,
            "threads": torch.get_num_threads(), "pytorch_ptq_runs": timings, "pytorch_ptq_best": best,
            "load_average": os.getloadavg()}
    with open(os.path.join(out, "%s_calibration.json" % name), "w") as f:
        json.dump(info, f, indent=1)
    print("  PyTorch PTQ on %d images (best of 3): %.2f s (observe %.2f s, convert %.2f s)" %
          (CALIBRATION_IMAGES, best["total_s"], best["observe_s"], best["convert_s"]))


def op_histogram(proto):
    return dict(sorted(collections.Counter(n.op_type for n in proto.graph.node).items(), key=lambda kv: -kv[1]))


def describe(path):
    proto = onnx.load(path)
    size = os.path.getsize(path)
    hist = op_histogram(proto)
    print("  %s: %s bytes, %d nodes, opset %s" % (os.path.relpath(path, ROOT), format(size, ","), len(proto.graph.node),
                                                 ",".join(str(o.version) for o in proto.opset_import if o.domain in
                                                          ("", "ai.onnx"))))
    print("    ops: " + ", ".join("%s %d" % kv for kv in hist.items()))
    return {"bytes": size, "nodes": len(proto.graph.node), "ops": hist}


def generate(name, out):
    t0 = time.time()
    model = build(name)
    example = torch.randn(SHAPE, generator=torch.Generator().manual_seed(SEED + 300))
    with torch.no_grad():
        reference = model(example)
    info = {"model": "torchvision.models.quantization.%s(weights=None, quantize=False)" % name, "seed": SEED,
            "input_shape": list(SHAPE), "bn_batches": BN_BATCHES, "calibration_batches": CALIB_BATCHES,
            "qconfig": "get_default_qconfig('qnnpack')", "engine": "qnnpack", "torch": torch.__version__,
            "torchvision": torchvision.__version__, "workarounds": [], "files": {}}
    print("%s: built and calibrated in %.1f s" % (name, time.time() - t0))

    # 1. scripts/export_pytorch.py
    pt_path = os.path.join(out, "pt_%s.onnx" % name)
    try:
        export_pt(model, example, pt_path)
    except Exception as e:  # noqa: BLE001 - the exporter's message is the result we report
        message = str(e)
        print("  export_pytorch failed on the unmodified model:\n    " + message.replace("\n", "\n    "))
        info["export_pytorch_unmodified_error"] = message
        if name == "mobilenet_v2" and "adaptive_avg_pool2d" in message:
            model.bench_pool = nn.AdaptiveAvgPool2d(1)
            model._forward_impl = types.MethodType(mobilenet_forward_impl, model)
            with torch.no_grad():
                patched = model(example)
            assert torch.equal(patched, reference), "patched MobileNetV2 forward changed the output"
            info["workarounds"].append("functional adaptive_avg_pool2d -> nn.AdaptiveAvgPool2d(1) module "
                                       "(identical output)")
            print("  work-around: functional adaptive_avg_pool2d -> nn.AdaptiveAvgPool2d(1); exporting again")
            try:
                export_pt(model, example, pt_path)
            except Exception as e2:  # noqa: BLE001
                info["export_pytorch_error"] = str(e2)
                print("  export_pytorch failed again:\n    " + str(e2).replace("\n", "\n    "))
        else:
            info["export_pytorch_error"] = message
    if os.path.exists(pt_path) and "export_pytorch_error" not in info:
        info["files"]["pt_%s.onnx" % name] = describe(pt_path)

    # 2. torch.onnx.export (opset 13), on a fresh copy of the model (unpatched forward).
    tx_path = os.path.join(out, "tx_%s.onnx" % name)
    model_tx = build(name)
    try:
        buffer = io.BytesIO()
        torch.onnx.export(model_tx, (example,), buffer, opset_version=13, input_names=["input"],
                          output_names=["output"], dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}})
        with open(tx_path, "wb") as f:
            f.write(buffer.getvalue())
        info["files"]["tx_%s.onnx" % name] = describe(tx_path)
    except Exception as e:  # noqa: BLE001
        info["torch_onnx_export_error"] = "%s: %s" % (type(e).__name__, e)
        print("  torch.onnx.export failed: %s: %s" % (type(e).__name__, e))

    info["reference_output_first5"] = [float(v) for v in reference.flatten()[:5]]
    bench_input = torch.from_numpy(seeded_floats(int(np.prod(SHAPE))).reshape(SHAPE))
    with torch.no_grad():
        bench_output = model(bench_input)
    np.save(os.path.join(out, "%s_bench_input.npy" % name), bench_input.numpy())
    np.save(os.path.join(out, "%s_pytorch_output.npy" % name), bench_output.numpy())
    with open(os.path.join(out, "%s.json" % name), "w") as f:
        json.dump(info, f, indent=1)
    return info


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--out", default=os.path.join(ROOT, "bench", "models"))
    p.add_argument("--only", default=",".join(MODELS))
    p.add_argument("--float", action="store_true", help="only the float models and calibration data")
    a = p.parse_args(argv)
    os.makedirs(a.out, exist_ok=True)
    torch.set_num_threads(1)
    for name in a.only.split(","):
        if a.float:
            generate_float(name, a.out)
        else:
            generate(name, a.out)
    fm = os.path.join(ROOT, "models", "fashion_mnist_int8.onnx")
    if os.path.exists(fm):
        print("default model (committed, used as is):")
        describe(fm)


if __name__ == "__main__":
    main()
