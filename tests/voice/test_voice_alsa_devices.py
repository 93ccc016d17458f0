"""The real device path: PortAudio (sounddevice) on ALSA, with file-backed ALSA devices.

No sound card here, so the test defines an ALSA microphone whose capture reads a raw file (the
``file`` plugin's ``infile``) and a speaker whose playback writes one, in an ``.asoundrc`` under
a private HOME. Everything above ALSA is what a user's machine runs: device listing and
selection by name, ``MicrophoneSource``'s stream callback and queue, and
``SpeakerSink``'s stream writes and barge-in abort. The one thing missing is the hardware clock
(ALSA's null device is not paced), so capture overruns and is checked piece by piece; Whisper on
spoken questions is covered by the WAV-source tests, which feed the same pipeline.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="ALSA is Linux's sound system")

SPEAKER_RATE = 22050  # en_US-joe-medium's rate
ASOUNDRC = """
pcm.hearth_mic {{
    type plug
    slave {{ pcm "hearth_mic_file"; format S16_LE; rate 16000; channels 1 }}
}}
pcm.hearth_mic_file {{
    type file
    slave.pcm "null"
    file "/dev/null"
    infile "{infile}"
    format "raw"
}}
pcm.hearth_speaker {{
    type plug
    slave {{ pcm "hearth_speaker_file"; format S16_LE; rate {rate}; channels 1 }}
}}
pcm.hearth_speaker_file {{
    type file
    slave.pcm "null"
    file "{outfile}"
    format "raw"
}}
"""

DEVICE_SCRIPT = r"""
import json, sys
import numpy as np
from voice.audio_io import MicrophoneSource, SpeakerSink, find_device, list_devices

want, work = int(sys.argv[1]), sys.argv[2]
names = [d["name"] for d in list_devices()]
mic = MicrophoneSource("hearth_mic")
mic.start()
got, n = [], 0
for block in mic.blocks():
    got.append(block)
    n += block.size
    if n >= want:
        break
mic.stop()
np.save(f"{work}/captured.npy", np.concatenate(got)[:want])
speech = np.load(f"{work}/speech.npy")
sink = SpeakerSink(22050, "hearth_speaker")
half = speech.size // 2
sink.write(speech[:half])
sink.abort()  # barge-in: the stream must take the next reply
sink.write(speech[half:])
sink.close()
print(json.dumps({"devices": names, "speaker": find_device("speaker", kind="output")}))
"""


def _asound_home(tmp_path: Path, question: np.ndarray) -> tuple[Path, Path]:
    home = tmp_path / "home"
    home.mkdir()
    infile, outfile = tmp_path / "mic.raw", tmp_path / "speaker.raw"
    (np.clip(question, -1, 1) * 32767).astype("<i2").tofile(infile)
    (home / ".asoundrc").write_text(ASOUNDRC.format(infile=infile, outfile=outfile, rate=SPEAKER_RATE))
    return home, outfile


def test_microphone_and_speaker_through_portaudio_and_alsa(tmp_path: Path, tts) -> None:  # noqa: ANN001
    from voice.resample import resample

    question = resample(tts.synthesize_all("What is the weather like tomorrow"), tts.sample_rate, 16000)
    question = np.concatenate([np.zeros(4000, np.float32), question, np.zeros(8000, np.float32)])
    answer = tts.synthesize_all("It will be sunny and warm.")
    assert tts.sample_rate == SPEAKER_RATE
    np.save(tmp_path / "speech.npy", answer)
    home, outfile = _asound_home(tmp_path, question)

    env = {**os.environ, "HOME": str(home), "ALSA_CONFIG_PATH": "/usr/share/alsa/alsa.conf"}
    proc = subprocess.run(
        [sys.executable, "-c", DEVICE_SCRIPT, str(question.size), str(tmp_path)],
        env=env, capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    report = json.loads(proc.stdout.strip().splitlines()[-1])
    assert {"hearth_mic", "hearth_speaker"} <= set(report["devices"])

    # What the microphone delivered is the question: every 20 ms block that carries sound is an
    # exact piece of it (16-bit rounding aside), in order. Unpaced, the null device overruns, so
    # PortAudio drops whole periods; a sound card's clock does not.
    captured = np.load(tmp_path / "captured.npy")
    block = 320
    offsets = []
    for start in range(0, captured.size - block, block):
        piece = captured[start : start + block]
        if np.abs(piece).max() < 1e-2:
            continue
        windows = np.lib.stride_tricks.sliding_window_view(question, block)[::block // 4]
        errors = np.abs(windows - piece).max(axis=1)
        assert errors.min() < 2e-4, f"captured block at {start} is not part of the question"
        offsets.append(int(errors.argmin()))
    assert len(offsets) >= 10 and offsets == sorted(offsets)

    # The speaker received the whole answer, in order, across the barge-in abort.
    played = np.fromfile(outfile, dtype="<i2").astype(np.float32) / 32767
    assert played.size >= answer.size
    # Align by cross-correlation. The first sample over a threshold is no anchor: the speaker
    # gets 16-bit samples (PortAudio's conversion may dither), so a quiet sample near the
    # threshold lands either side of it, and a crossing found 1 or 44 samples off was seen with
    # the played audio equal to the answer sample for sample.
    size = 1 << int(np.ceil(np.log2(played.size + answer.size)))
    xcorr = np.fft.irfft(np.fft.rfft(played, size) * np.conj(np.fft.rfft(answer, size)), size)
    offset = int(np.argmax(xcorr))
    if offset > size // 2:
        offset -= size  # the answer starts before the played audio: a negative lag
    heard = played[max(offset, 0) :]
    said = answer[max(-offset, 0) :]
    n = min(heard.size, said.size)
    assert n >= answer.size - 4, (n, answer.size, offset)
    assert np.corrcoef(heard[:n], said[:n])[0, 1] > 0.99


def test_a_missing_device_name_is_one_clear_error(tmp_path: Path) -> None:
    home, _ = _asound_home(tmp_path, np.zeros(1600, np.float32))
    script = (
        "from voice.audio_io import MicrophoneSource\n"
        "from voice.errors import NoAudioDeviceError\n"
        "try:\n    MicrophoneSource('no such microphone')\n"
        "except NoAudioDeviceError as exc:\n    print(exc)\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", script], env={**os.environ, "HOME": str(home)},
        capture_output=True, text=True, timeout=60,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    line = proc.stdout.strip()
    assert line.startswith("No audio input device matching 'no such microphone'") and "hearth_mic" in line
