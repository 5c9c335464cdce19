"""The C side of espeak-ng for :mod:`vnreader.speech.engines.espeak`: constants, ctypes
structures and the argument types of the library's calls (speak_lib.h, espeak_ng.h)."""

from __future__ import annotations

import ctypes

# espeak-ng constants (speak_lib.h, espeak_ng.h).
ENOUTPUT_MODE_SYNCHRONOUS = 0x0001
POS_CHARACTER = 1
ESPEAK_CHARS_UTF8 = 1
ESPEAK_RATE = 1
ESPEAK_PITCH = 3
ESPEAK_RANGE = 4
ESPEAK_WORDGAP = 7
ENS_OK = 0

#: Files that must be in a usable espeak-ng-data folder for Vietnamese.
REQUIRED_DATA = ("phontab", "phonindex", "phondata", "intonations", "vi_dict")


class EventId(ctypes.Union):
    _fields_ = (
        ("number", ctypes.c_int),
        ("name", ctypes.c_char_p),
        ("string", ctypes.c_char * 8),
    )


class Event(ctypes.Structure):
    """``espeak_EVENT``; only passed through (we do not read events)."""

    _fields_ = (
        ("type", ctypes.c_int),
        ("unique_identifier", ctypes.c_uint),
        ("text_position", ctypes.c_int),
        ("length", ctypes.c_int),
        ("audio_position", ctypes.c_int),
        ("sample", ctypes.c_int),
        ("user_data", ctypes.c_void_p),
        ("id", EventId),
    )


class VoiceInfo(ctypes.Structure):
    """``espeak_VOICE`` as returned by ``espeak_ListVoices``."""

    _fields_ = (
        ("name", ctypes.c_char_p),
        # A list of (priority byte, NUL-terminated name), so not a plain C string.
        ("languages", ctypes.c_void_p),
        ("identifier", ctypes.c_char_p),
        ("gender", ctypes.c_ubyte),
        ("age", ctypes.c_ubyte),
        ("variant", ctypes.c_ubyte),
        ("xx1", ctypes.c_ubyte),
        ("score", ctypes.c_int),
        ("spare", ctypes.c_void_p),
    )


SynthCallback = ctypes.CFUNCTYPE(
    ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.POINTER(Event)
)


def status_message(lib: ctypes.CDLL, status: int) -> str:
    buffer = ctypes.create_string_buffer(256)
    lib.espeak_ng_GetStatusCodeMessage(status, buffer, len(buffer))
    return buffer.value.decode("utf-8", "replace") or f"status {status:#x}"


def declare(lib: ctypes.CDLL) -> None:
    """Argument and result types, so that ctypes converts nothing by guesswork."""
    c_int, c_uint, c_char_p, c_void_p = ctypes.c_int, ctypes.c_uint, ctypes.c_char_p, None
    lib.espeak_ng_InitializePath.argtypes = [c_char_p]
    lib.espeak_ng_InitializePath.restype = c_void_p
    lib.espeak_ng_Initialize.argtypes = [ctypes.c_void_p]
    lib.espeak_ng_Initialize.restype = c_uint
    lib.espeak_ng_InitializeOutput.argtypes = [c_int, c_int, c_char_p]
    lib.espeak_ng_InitializeOutput.restype = c_uint
    lib.espeak_ng_GetSampleRate.argtypes = []
    lib.espeak_ng_GetSampleRate.restype = c_int
    lib.espeak_ng_GetStatusCodeMessage.argtypes = [c_uint, c_char_p, ctypes.c_size_t]
    lib.espeak_ng_GetStatusCodeMessage.restype = c_void_p
    lib.espeak_Info.argtypes = [ctypes.c_void_p]
    lib.espeak_Info.restype = c_char_p
    lib.espeak_ListVoices.argtypes = [ctypes.c_void_p]
    lib.espeak_ListVoices.restype = ctypes.POINTER(ctypes.POINTER(VoiceInfo))
    lib.espeak_SetSynthCallback.argtypes = [SynthCallback]
    lib.espeak_SetSynthCallback.restype = c_void_p
    lib.espeak_ng_SetVoiceByName.argtypes = [c_char_p]
    lib.espeak_ng_SetVoiceByName.restype = c_uint
    lib.espeak_ng_SetVoiceByFile.argtypes = [c_char_p]
    lib.espeak_ng_SetVoiceByFile.restype = c_uint
    lib.espeak_GetCurrentVoice.argtypes = []
    lib.espeak_GetCurrentVoice.restype = ctypes.POINTER(VoiceInfo)
    lib.espeak_ng_SetParameter.argtypes = [c_int, c_int, c_int]
    lib.espeak_ng_SetParameter.restype = c_uint
    lib.espeak_ng_Synthesize.argtypes = [
        ctypes.c_void_p,
        ctypes.c_size_t,
        c_uint,
        c_int,
        c_uint,
        c_uint,
        ctypes.POINTER(c_uint),
        ctypes.c_void_p,
    ]
    lib.espeak_ng_Synthesize.restype = c_uint
