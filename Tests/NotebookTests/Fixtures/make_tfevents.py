#!/usr/bin/env python3
"""Writes tensorboard-reference.tfevents: a TensorBoard event file made by TensorBoard's own
protocol buffers and record writer (pip install tensorboard), for the log that
TensorBoardEventsTests builds. The Swift test writes the same log and compares the bytes, then
CI needs no Python. Regenerate: python3 make_tfevents.py (from this folder)."""
import os

from tensorboard.compat.proto import event_pb2, summary_pb2
from tensorboard.summary.writer.record_writer import RecordWriter

# The log: step, then (name, value) in the log's column order (names sorted on first appearance);
# time/step accumulates into wall_time; a non-finite value (step 300's time/step) is left out.
ROWS = [
    (1, [("accuracy", 0.5), ("reward", 0.25), ("time/step", 0.5)]),
    (2, [("accuracy", 1.0), ("reward", 0.75), ("time/step", 0.25)]),
    (300, [("accuracy", 0.0), ("reward", -1.5)]),
]


def main():
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "tensorboard-reference.tfevents")
    with open(path, "wb") as handle:
        writer = RecordWriter(handle)
        writer.write(event_pb2.Event(wall_time=0, file_version="brain.Event:2").SerializeToString())
        clock = 0.0
        for step, values in ROWS:
            clock += dict(values).get("time/step", 0.0)
            summary = summary_pb2.Summary(value=[summary_pb2.Summary.Value(tag=name, simple_value=value)
                                                 for name, value in values])
            writer.write(event_pb2.Event(wall_time=clock, step=step, summary=summary).SerializeToString())
        writer.flush()
    print(path)


if __name__ == "__main__":
    main()
