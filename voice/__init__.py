"""Hearth's voice: push-to-talk in, streamed speech out, with barge-in.

Qt-free. Audio comes from a :class:`voice.interfaces.AudioSource` (a microphone or a WAV file
paced in real time) and goes to a :class:`voice.interfaces.AudioSink` (a speaker or a WAV file);
the :class:`voice.pipeline.VoicePipeline` in between emits the events of ``app.events``.
"""
