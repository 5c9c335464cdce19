"""A tiny piper-format voice built by the tests: a few ONNX ops and a matching .onnx.json.

The model has piper's interface: inputs ``input`` (int64 [1, N], phoneme ids),
``input_lengths`` (int64 [1]), ``scales`` (float [3]: noise, length, noise_w) and, for a
voice with several speakers, ``sid`` (int64 [1]); output ``output`` (float [1, 1, T]).
Each phoneme id becomes ``floor(256 × length_scale)`` samples of a sine whose frequency is
5 Hz × id (the padding id 0 is silence), so the audio's length follows the phonemes and the
rate, as a real voice's does. The settings use piper's own default phoneme id map and the
espeak voice ``vi``, so piper-tts phonemizes Vietnamese with its bundled espeak-ng.

PYTEST_DONT_REWRITE
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

SAMPLE_RATE = 16000
HOP = 256


def _const(name: str, value: np.ndarray) -> onnx.NodeProto:
    return helper.make_node("Constant", [], [name], value=numpy_helper.from_array(value, name))


def model_bytes(num_speakers: int = 1) -> bytes:
    """The ONNX model, serialized."""
    nodes = [
        _const("axis2", np.array([2], dtype=np.int64)),
        _const("axis0", np.array([0], dtype=np.int64)),
        _const("one_idx", np.array(1, dtype=np.int64)),
        _const("hop", np.array(float(HOP), dtype=np.float32)),
        _const("zero_f", np.array(0.0, dtype=np.float32)),
        _const("one_f", np.array(1.0, dtype=np.float32)),
        _const("ones2", np.array([1, 1], dtype=np.int64)),
        _const("omega", np.array(2 * math.pi * 5 / SAMPLE_RATE, dtype=np.float32)),
        _const("half", np.array(0.5, dtype=np.float32)),
        _const("shape_out", np.array([1, 1, -1], dtype=np.int64)),
        helper.make_node("Cast", ["input"], ["ids_f"], to=TensorProto.FLOAT),
        helper.make_node("Unsqueeze", ["ids_f", "axis2"], ["ids3"]),
        helper.make_node("Gather", ["scales", "one_idx"], ["length_scale"], axis=0),
        helper.make_node("Mul", ["length_scale", "hop"], ["per_id_f"]),
        helper.make_node("Floor", ["per_id_f"], ["per_id_floor"]),
        helper.make_node("Cast", ["per_id_floor"], ["per_id"], to=TensorProto.INT64),
        helper.make_node("Unsqueeze", ["per_id", "axis0"], ["per_id1"]),
        helper.make_node("Concat", ["ones2", "per_id1"], ["repeats"], axis=0),
        helper.make_node("Tile", ["ids3", "repeats"], ["tiled"]),
        helper.make_node("Range", ["zero_f", "per_id_floor", "one_f"], ["ramp"]),
        helper.make_node("Mul", ["tiled", "ramp"], ["steps"]),
        helper.make_node("Mul", ["steps", "omega"], ["phase"]),
        helper.make_node("Sin", ["phase"], ["wave"]),
        helper.make_node("Mul", ["wave", "half"], ["quiet"]),
        # input_lengths (and sid) take part, as in a real voice, without changing the sound.
        helper.make_node("Cast", ["input_lengths"], ["len_f"], to=TensorProto.FLOAT),
        helper.make_node("Mul", ["len_f", "zero_f"], ["len_zero"]),
        helper.make_node("Add", ["quiet", "len_zero"], ["summed"]),
    ]
    inputs = [
        helper.make_tensor_value_info("input", TensorProto.INT64, [1, "n"]),
        helper.make_tensor_value_info("input_lengths", TensorProto.INT64, [1]),
        helper.make_tensor_value_info("scales", TensorProto.FLOAT, [3]),
    ]
    last = "summed"
    if num_speakers > 1:
        inputs.append(helper.make_tensor_value_info("sid", TensorProto.INT64, [1]))
        nodes += [
            helper.make_node("Cast", ["sid"], ["sid_f"], to=TensorProto.FLOAT),
            helper.make_node("Mul", ["sid_f", "zero_f"], ["sid_zero"]),
            helper.make_node("Add", ["summed", "sid_zero"], ["with_sid"]),
        ]
        last = "with_sid"
    nodes.append(helper.make_node("Reshape", [last, "shape_out"], ["output"]))
    graph = helper.make_graph(
        nodes,
        "tiny_piper_voice",
        inputs,
        [helper.make_tensor_value_info("output", TensorProto.FLOAT, [1, 1, "t"])],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    return model.SerializeToString()


def config(num_speakers: int = 1) -> dict[str, object]:
    """The voice's settings, as piper's voices publish them."""
    from piper.phoneme_ids import DEFAULT_PHONEME_ID_MAP

    return {
        "audio": {"sample_rate": SAMPLE_RATE, "quality": "x_low"},
        "espeak": {"voice": "vi"},
        "language": {"code": "vi_VN", "family": "vi", "region": "VN"},
        "inference": {"noise_scale": 0.667, "length_scale": 1.0, "noise_w": 0.8},
        "phoneme_type": "espeak",
        "phoneme_map": {},
        "phoneme_id_map": DEFAULT_PHONEME_ID_MAP,
        "num_symbols": 256,
        "num_speakers": num_speakers,
        "speaker_id_map": {f"s{i}": i for i in range(num_speakers)} if num_speakers > 1 else {},
        "piper_version": "1.0.0",
        "dataset": "tiny",
    }


def write_voice(folder: Path, name: str = "vi_VN-tiny-x_low", num_speakers: int = 1) -> Path:
    """``folder/NAME.onnx`` and ``NAME.onnx.json``; returns the .onnx path."""
    folder.mkdir(parents=True, exist_ok=True)
    model = folder / f"{name}.onnx"
    model.write_bytes(model_bytes(num_speakers))
    Path(f"{model}.json").write_text(
        json.dumps(config(num_speakers), ensure_ascii=False), encoding="utf-8"
    )
    return model
