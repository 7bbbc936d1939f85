"""Chinese OCR on the CPU with the PP-OCR models the ``rapidocr`` wheel ships.

The engine is built once per process (loading the models takes seconds) and
reused under a lock; it runs on the CPU only and never downloads anything:
the models are the wheel's own files, and a missing one is an error, not a
fetch. A page turned by 90°, 180° or 270° is read as it lies: the direction
classifier's verdict on each text line, and whether the lines stand upright,
say how the page is turned, and the boxes are mapped back onto the upright
page so lines sort into reading order.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

__all__ = ["OcrLine", "engine", "recognise"]

_LOCK = threading.Lock()
_ENGINE: Any = None


@dataclass(frozen=True, slots=True)
class OcrLine:
    text: str
    confidence: float
    # (x0, y0, x1, y1) in pixels of the upright image.
    box: tuple[float, float, float, float]


def _bundled_models() -> dict[str, str]:
    import rapidocr

    models = Path(rapidocr.__file__).resolve().parent / "models"
    found = {
        "Det.model_path": sorted(models.glob("*det*.onnx")),
        "Rec.model_path": sorted(models.glob("*rec*.onnx")),
        "Cls.model_path": sorted(models.glob("*cls*.onnx")),
    }
    missing = [key for key, paths in found.items() if not paths]
    if missing:
        raise RuntimeError(f"the rapidocr wheel lacks its bundled models ({', '.join(missing)}) in {models}")
    return {key: str(paths[0]) for key, paths in found.items()}


def engine(threads: int = 1) -> Any:
    """The process's OCR engine, built on first use with ``threads`` CPU threads."""
    global _ENGINE
    with _LOCK:
        if _ENGINE is None:
            from rapidocr import RapidOCR

            class _Engine(RapidOCR):
                # The direction classifier's verdicts, kept to tell how the page is turned.
                last_directions: list[str]

                def cls_and_rotate(self, img: list[np.ndarray]) -> Any:
                    images, result = super().cls_and_rotate(img)
                    self.last_directions = [str(label) for label, _ in (result.cls_res or [])]
                    return images, result

            params: dict[str, Any] = {
                "Global.log_level": "error",
                "Global.text_score": 0.3,
                "EngineConfig.onnxruntime.intra_op_num_threads": threads,
                "EngineConfig.onnxruntime.inter_op_num_threads": 1,
                "EngineConfig.onnxruntime.use_cuda": False,
                "EngineConfig.onnxruntime.use_dml": False,
                "EngineConfig.onnxruntime.use_cann": False,
                "EngineConfig.onnxruntime.use_coreml": False,
                **_bundled_models(),
            }
            _ENGINE = _Engine(params=params)
        return _ENGINE


def _turn(points: np.ndarray, turn: int, width: int, height: int) -> np.ndarray:
    """Map points of an image turned ``turn`` degrees counter-clockwise onto the upright image."""
    x, y = points[:, 0], points[:, 1]
    if turn == 90:  # undo with a clockwise quarter turn
        return np.stack([height - y, x], axis=1)
    if turn == 270:
        return np.stack([y, width - x], axis=1)
    if turn == 180:
        return np.stack([width - x, height - y], axis=1)
    return points


def recognise(image: Image.Image, threads: int = 1) -> tuple[list[OcrLine], int, tuple[int, int]]:
    """The text lines of ``image``, how far it was turned (0/90/180/270) and the upright size."""
    ocr = engine(threads)
    array = np.asarray(image.convert("RGB"))
    width, height = image.size
    with _LOCK:
        ocr.last_directions = []
        result = ocr(array)
        directions = list(ocr.last_directions)
    if result.boxes is None or not result.txts:
        return [], 0, (width, height)
    boxes = np.asarray(result.boxes, dtype=float)
    # A line box much taller than wide is a line standing up: the page lies on its side.
    sides = np.linalg.norm(boxes[:, 1] - boxes[:, 0], axis=1)
    heights = np.linalg.norm(boxes[:, 2] - boxes[:, 1], axis=1)
    long_sides = np.maximum(sides, heights)
    standing = float(long_sides[heights >= 1.5 * sides].sum())
    lying = float(long_sides[heights < 1.5 * sides].sum())
    upside = sum(1 for d in directions if d == "180")
    turned_back = upside * 2 > len(directions) if directions else False
    if standing > lying:
        # Standing lines were turned a quarter counter-clockwise before recognition: text
        # that then reads upside down came from a page turned counter-clockwise.
        turn = 90 if turned_back else 270
        upright = (height, width)
    else:
        turn = 180 if turned_back else 0
        upright = (width, height)
    lines = []
    for quad, text, score in zip(boxes, result.txts, result.scores, strict=False):
        points = _turn(quad, turn, width, height)
        x0, y0 = points.min(axis=0)
        x1, y1 = points.max(axis=0)
        lines.append(OcrLine(str(text), float(score), (float(x0), float(y0), float(x1), float(y1))))
    return lines, turn, upright
