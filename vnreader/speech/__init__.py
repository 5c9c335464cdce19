"""Narration: an Article → an MP3 with a WebVTT transcript and chapters.

Stages, one module each: ``script.py`` (what is said, with pauses and chapters),
``engines/`` (espeak-ng embedded offline, gTTS online), ``cache.py`` (content-addressed
audio chunks), ``assemble.py`` (pauses, loudness, MP3 via the bundled ffmpeg, ID3 tags and
chapters, WebVTT, Podcasting 2.0 JSON chapters), ``narrate.py`` (the whole run, atomic).
"""
