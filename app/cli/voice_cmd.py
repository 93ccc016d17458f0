"""``hearth voice``: push-to-talk with the microphone (hold Enter), or a WAV file in and out.

``hearth voice --in question.wav --out answer.wav`` runs the very pipeline a microphone feeds:
the file is paced in real time (``--fast`` to skip that), and the spoken answer is written out.
Actions still need approval in the terminal; nothing is ever approved by voice.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import uuid
from typing import Any

from app.events import (
    ApprovalRequested,
    ErrorEvent,
    Event,
    FinalAnswer,
    FinalTranscript,
    HearthError,
    ListeningStarted,
    PartialTranscript,
    Token,
)


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "voice", help="talk to Hearth: hold Enter to speak, or --in/--out WAV files"
    )
    parser.add_argument(
        "--in", dest="input", metavar="FILE", help="audio file to use instead of the microphone"
    )
    parser.add_argument(
        "--out", dest="output", metavar="FILE", help="write the spoken answer to this WAV file"
    )
    parser.add_argument("--fast", action="store_true", help="with --in: do not pace the file in real time")
    parser.add_argument("--json", action="store_true", help="print every event as one JSON object per line")
    parser.add_argument("--no-memory", action="store_true", help="do not search the memory")
    parser.add_argument("--list-devices", action="store_true", help="list audio devices and exit")
    parser.set_defaults(handler=run_voice)


class _Printer:
    def __init__(self, as_json: bool) -> None:
        self.as_json = as_json
        self._partial = False

    def __call__(self, event: Event) -> None:
        if self.as_json:
            print(json.dumps(event.to_dict(), ensure_ascii=False, default=str), flush=True)
            return
        if isinstance(event, ListeningStarted):
            print("[listening... release Enter to stop]", file=sys.stderr, flush=True)
        elif isinstance(event, PartialTranscript):
            print(f"\r  … {event.text}", end="", file=sys.stderr, flush=True)
            self._partial = True
        elif isinstance(event, FinalTranscript):
            if self._partial:
                print(file=sys.stderr)
                self._partial = False
            print("You: " + (event.text if not event.no_speech else "(no speech heard)"), flush=True)
            if not event.no_speech:
                print("Hearth: ", end="", flush=True)
        elif isinstance(event, Token):
            print(event.text, end="", flush=True)
        elif isinstance(event, FinalAnswer):
            print(flush=True)
        elif isinstance(event, ErrorEvent):
            print(f"\nhearth: {event.message}", file=sys.stderr, flush=True)


def run_voice(args: argparse.Namespace) -> int:
    from app.config import load_settings
    from app.paths import get_paths

    if args.list_devices:
        from voice.audio_io import list_devices

        devices = list_devices()
        if not devices:
            print("No audio devices found.")
        for d in devices:
            print(
                f"{d['index']}: {d.get('name')} (in {d.get('max_input_channels')}, out {d.get('max_output_channels')})"
            )
        return 0
    settings = load_settings(get_paths())
    vs = settings.voice
    printer = _Printer(args.json)

    # Check the audio side before loading any model, so a missing device is said at once.
    source_file = None
    if args.input:
        from voice.wav_io import read_audio

        source_file = read_audio(args.input)
    else:
        from voice.audio_io import find_device

        find_device(vs.input_device, kind="input")

    from voice.stt import SpeechToText
    from voice.tts import TextToSpeech

    stt = SpeechToText(vs.stt_model)
    tts = TextToSpeech(vs.voice)
    sink = _make_sink(args, tts.sample_rate, vs.output_device)

    approving = threading.Event()
    agent, shutdown = _build_answerer(args, printer, approving)
    from voice.answerer import AgentAnswerer
    from voice.pipeline import VoicePipeline

    pipeline = VoicePipeline(
        stt,
        tts,
        AgentAnswerer(agent),  # plain questions are answered while the key is still held
        sink,
        listener=printer,
        cue_sounds=vs.cue_sounds and not args.input,
        speak_replies=vs.speak_replies,
        # one conversation per session, as `hearth chat` has: an earlier session's turns are not
        # this one's history (a follow-up's "it" must not reach back to yesterday's question)
        conversation_id=f"voice-{uuid.uuid4().hex[:8]}",
    )
    try:
        if source_file is not None:
            from voice.wav_io import WavSource

            source = WavSource(source_file, realtime=not args.fast, name=args.input)
            final = pipeline.talk(source)
            pipeline.speaker.wait_idle()
            return 0 if not final.no_speech else 2
        _device_loop(pipeline, vs.input_device, approving)
        return 0
    finally:
        pipeline.close()
        sink.close()
        shutdown()
        if args.output:
            print(f"[answer written to {args.output}]", file=sys.stderr)


def _make_sink(args: argparse.Namespace, rate: int, device: str) -> Any:
    from voice.wav_io import WavSink

    if args.output:
        return WavSink(args.output, rate)
    from voice.audio_io import SpeakerSink
    from voice.errors import NoAudioDeviceError

    try:
        return SpeakerSink(rate, device)
    except NoAudioDeviceError as exc:
        if not args.input:
            raise
        print(f"hearth: {exc}; the answer is shown as text only", file=sys.stderr)
        return WavSink(None, rate)


def _build_answerer(
    args: argparse.Namespace, printer: _Printer, approving: threading.Event
) -> tuple[Any, Any]:
    """The agent (actions ask in the terminal), exactly as ``hearth ask`` builds it."""
    from app.cli.approve_tty import open_terminal, terminal_approver
    from app.cli.ask import build_agent

    streams = open_terminal()
    # No terminal: no approver at all, so the gate denies and the audit log says "no_approver".
    ask = terminal_approver(streams) if streams is not None else None

    def approver(request: ApprovalRequested) -> Any:
        assert ask is not None
        approving.set()
        try:
            return ask(request)
        finally:
            approving.clear()

    def on_event(event: Event) -> None:
        if args.json or isinstance(event, ErrorEvent):
            printer(event)

    agent, shutdown = build_agent(approver if ask is not None else None, use_memory=not args.no_memory,
                                  on_event=on_event)
    return agent, shutdown


def _device_loop(pipeline: Any, input_device: str, approving: threading.Event) -> None:
    from voice.audio_io import MicrophoneSource
    from voice.terminal_ptt import HoldToTalk

    if not sys.stdin.isatty():
        raise HearthError("hearth voice needs a terminal (hold Enter to talk), or use --in FILE")
    print("Hold Enter to talk (or tap Enter to start and stop); q to quit.", file=sys.stderr)

    def press() -> None:
        pipeline.press(MicrophoneSource(input_device))

    HoldToTalk(press, pipeline.release, paused=approving.is_set).run()
