/* vnreader: reader settings and the accessible player of the large-print pages.
   Plain ES2017, no dependencies. The pages work without it: it only enhances them. */
(function () {
  "use strict";

  var root = document.documentElement;
  var PREFS_KEY = "vnreader:prefs";
  var SIZES = [100, 125, 150, 175, 200, 250, 300, 350, 400];
  var SPEEDS = [0.75, 1, 1.25, 1.5, 1.75, 2];

  function store(key, value) {
    try {
      if (value === null) localStorage.removeItem(key);
      else localStorage.setItem(key, value);
    } catch (e) { /* private mode or storage off: settings last for this page only */ }
  }
  function load(key) {
    try { return localStorage.getItem(key); } catch (e) { return null; }
  }
  function readPrefs() {
    try { return JSON.parse(load(PREFS_KEY) || "{}") || {}; } catch (e) { return {}; }
  }
  var prefs = readPrefs();
  function savePrefs() { store(PREFS_KEY, JSON.stringify(prefs)); }

  /* --- Vietnamese words for numbers and durations (the slider's aria-valuetext) --- */
  var DIGITS = ["không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"];
  function words(n) {
    if (n < 10) return DIGITS[n];
    if (n < 100) {
      var tens = Math.floor(n / 10), unit = n % 10;
      var head = tens === 1 ? "mười" : DIGITS[tens] + " mươi";
      if (unit === 0) return head;
      if (unit === 1 && tens > 1) return head + " mốt";
      if (unit === 4 && tens > 1) return head + " tư";
      if (unit === 5) return head + " lăm";
      return head + " " + DIGITS[unit];
    }
    if (n < 1000) {
      var hundreds = Math.floor(n / 100), rest = n % 100;
      var h = DIGITS[hundreds] + " trăm";
      if (rest === 0) return h;
      return h + (rest < 10 ? " linh " + DIGITS[rest] : " " + words(rest));
    }
    var thousands = Math.floor(n / 1000), r = n % 1000;
    var t = words(thousands) + " nghìn";
    if (r === 0) return t;
    if (r < 100) return t + " không trăm " + (r < 10 ? "linh " + DIGITS[r] : words(r));
    return t + " " + words(r);
  }
  function durationWords(seconds) {
    var total = Math.max(0, Math.floor(seconds || 0));
    var hours = Math.floor(total / 3600), minutes = Math.floor((total % 3600) / 60), secs = total % 60;
    var parts = [];
    if (hours) parts.push(words(hours) + " giờ");
    if (minutes) parts.push(words(minutes) + " phút");
    if (secs || !parts.length) parts.push(words(secs) + " giây");
    return parts.join(" ");
  }
  function clock(seconds) {
    var total = Math.max(0, Math.floor(seconds || 0));
    var hours = Math.floor(total / 3600), minutes = Math.floor((total % 3600) / 60), secs = total % 60;
    var ss = (secs < 10 ? "0" : "") + secs;
    if (hours) return hours + ":" + (minutes < 10 ? "0" : "") + minutes + ":" + ss;
    return minutes + ":" + ss;
  }

  /* --- reader settings: text size, theme, spacing, line length --- */
  function applyPrefs() {
    root.dataset.theme = prefs.theme || "auto";
    if (prefs.spacing) root.dataset.spacing = prefs.spacing; else delete root.dataset.spacing;
    if (prefs.measure) root.dataset.measure = prefs.measure; else delete root.dataset.measure;
    var size = prefs.size || 100;
    if (size === 100) root.style.removeProperty("--vr-scale");
    else root.style.setProperty("--vr-scale", String(size / 100));
    var output = document.getElementById("vr-size-value");
    if (output) output.textContent = size + " %";
    ["theme", "spacing", "measure"].forEach(function (name) {
      var value = prefs[name] || (name === "theme" ? "auto" : "normal");
      document.querySelectorAll('input[name="vr-' + name + '"]').forEach(function (input) {
        input.checked = input.value === value;
      });
    });
  }

  function setupSettings() {
    var panel = document.getElementById("vr-settings");
    if (!panel) return;
    panel.hidden = false;
    panel.addEventListener("click", function (event) {
      var button = event.target.closest("[data-vr-set]");
      if (!button) return;
      var i = SIZES.indexOf(prefs.size || 100);
      if (i < 0) i = 0;
      var action = button.getAttribute("data-vr-set");
      if (action === "size-up") i = Math.min(SIZES.length - 1, i + 1);
      else if (action === "size-down") i = Math.max(0, i - 1);
      else i = 0;
      prefs.size = SIZES[i];
      savePrefs();
      applyPrefs();
    });
    panel.addEventListener("change", function (event) {
      var input = event.target;
      if (!input.name || input.name.indexOf("vr-") !== 0) return;
      prefs[input.name.slice(3)] = input.value;
      savePrefs();
      applyPrefs();
    });
    applyPrefs();
  }

  function setupCopy() {
    document.querySelectorAll("[data-vr-copy]").forEach(function (button) {
      var field = document.getElementById(button.getAttribute("data-vr-copy"));
      var status = button.parentNode.querySelector("[data-vr-copied]");
      if (!field) return;
      button.hidden = false;
      button.addEventListener("click", function () {
        var done = function () { if (status) status.textContent = "Đã chép địa chỉ."; };
        field.select();
        if (navigator.clipboard && navigator.clipboard.writeText) {
          navigator.clipboard.writeText(field.value).then(done, function () {
            if (document.execCommand("copy")) done();
          });
        } else if (document.execCommand("copy")) {
          done();
        }
      });
    });
  }

  /* --- abbreviations: Escape hides the spoken form shown on hover or focus (WCAG 1.4.13) --- */
  function setupAbbreviations() {
    var marks = document.querySelectorAll("abbr[title]");
    if (!marks.length) return;
    document.addEventListener("keydown", function (event) {
      if (event.key !== "Escape") return;
      marks.forEach(function (mark) {
        if (mark.matches(":hover") || mark === document.activeElement) mark.classList.add("vr-abbr-off");
      });
    });
    marks.forEach(function (mark) {
      var on = function () { mark.classList.remove("vr-abbr-off"); };
      mark.addEventListener("mouseleave", on);
      mark.addEventListener("blur", on);
    });
  }

  /* --- the player --- */
  function Player(box) {
    var audio = box.querySelector("audio");
    var controls = box.querySelector(".vr-controls");
    if (!audio || !controls) return;
    var el = function (name) { return box.querySelector('[data-vr="' + name + '"]'); };
    var playButton = el("play"), seek = el("seek"), time = el("time"), speed = el("speed");
    var nowLine = el("now-line"), nowText = el("now"), live = el("live");
    var announce = el("announce"), follow = el("follow");
    var resume = el("resume"), resumeText = el("resume-text");
    var posKey = "vnreader:pos:" + (box.getAttribute("data-file") || audio.currentSrc || audio.src);
    var reduceMotion = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;

    /* The sentences, from the transcript's cues (start/end carried by each span). */
    var byCue = {}, cues = [];
    document.querySelectorAll(".vr-s[data-start]").forEach(function (span) {
      var id = span.getAttribute("data-cue");
      if (!byCue[id]) {
        byCue[id] = [];
        cues.push({ id: id, start: parseFloat(span.getAttribute("data-start")),
                    end: parseFloat(span.getAttribute("data-end")), text: span.textContent });
      }
      byCue[id].push(span);
    });
    cues.sort(function (a, b) { return a.start - b.start; });
    var current = -1;
    var engaged = false; /* no highlight until the listener plays or moves */

    audio.controls = false;
    controls.hidden = false;
    box.classList.add("vr-enhanced");

    function duration() {
      return isFinite(audio.duration) && audio.duration > 0
        ? audio.duration : parseFloat(box.getAttribute("data-duration")) || 0;
    }
    function seekTo(t) {
      engaged = true;
      var d = duration();
      audio.currentTime = Math.max(0, d ? Math.min(t, d - 0.05) : t);
      update();
    }
    function cueAt(t) {
      var lo = 0, hi = cues.length - 1, found = -1;
      while (lo <= hi) {
        var mid = (lo + hi) >> 1;
        if (cues[mid].start <= t + 0.001) { found = mid; lo = mid + 1; } else hi = mid - 1;
      }
      return found;
    }
    function highlight(i) {
      if (i === current) return;
      if (current >= 0) byCue[cues[current].id].forEach(function (s) {
        s.classList.remove("vr-now"); s.removeAttribute("aria-current");
      });
      current = i;
      if (i < 0) { if (nowLine) nowLine.hidden = true; return; }
      var cue = cues[i];
      byCue[cue.id].forEach(function (s) {
        s.classList.add("vr-now"); s.setAttribute("aria-current", "true");
      });
      if (nowLine) { nowText.textContent = cue.text; nowLine.hidden = false; }
      reportSentence(cue.text);
      if (announce && announce.checked && live && !audio.paused) live.textContent = cue.text;
      if (follow && follow.checked && !audio.paused) {
        var span = byCue[cue.id][0];
        if (!span.closest("details:not([open])")) {
          var r = span.getBoundingClientRect();
          if (r.top < 0 || r.bottom > window.innerHeight) {
            span.scrollIntoView({ block: "center", behavior: reduceMotion ? "auto" : "smooth" });
          }
        }
      }
    }
    /* "Báo đọc sai": the e-mail names the sentence being played. */
    var report = document.querySelector("a[data-vr-report]");
    function reportSentence(text) {
      if (!report) return;
      var title = report.getAttribute("data-title") || "";
      var body = "Bài: " + title + "\r\nĐịa chỉ: " + (report.getAttribute("data-url") || "") +
        "\r\nCâu đang đọc: " + text + "\r\n\r\nTừ bị đọc sai và cách đọc đúng: ";
      report.href = "mailto:" + encodeURIComponent(report.getAttribute("data-to") || "").replace("%40", "@") +
        "?subject=" + encodeURIComponent("Báo đọc sai: " + title) + "&body=" + encodeURIComponent(body);
    }
    var lastSaved = 0;
    function update() {
      var t = audio.currentTime, d = duration();
      if (d) seek.max = d.toFixed(3);
      seek.value = String(t);
      seek.setAttribute("aria-valuetext", durationWords(t) + " trên tổng số " + durationWords(Math.round(d)));
      time.textContent = clock(t) + " / " + clock(Math.round(d));
      highlight(engaged ? cueAt(t) : -1);
      if (Math.abs(t - lastSaved) >= 2) {
        lastSaved = t;
        if (t > 5 && (!d || t < d - 5)) store(posKey, t.toFixed(1));
      }
    }
    function setLabel() {
      playButton.textContent = audio.paused ? "Phát" : "Tạm dừng";
    }
    function toggle() {
      if (audio.paused) {
        var p = audio.play();
        if (p && p.catch) p.catch(function () { setLabel(); });
      } else {
        audio.pause();
      }
    }
    function sentence(step) {
      if (!cues.length) return;
      var i = cueAt(audio.currentTime);
      var target = Math.max(0, Math.min(cues.length - 1, (i < 0 ? -1 : i) + step));
      if (step < 0 && i < 0) target = 0;
      seekTo(cues[target].start);
    }
    function setSpeed(rate) {
      audio.playbackRate = rate;
      audio.defaultPlaybackRate = rate;
      speed.value = String(rate);
      prefs.rate = rate;
      savePrefs();
    }
    function stepSpeed(step) {
      var i = SPEEDS.indexOf(audio.playbackRate);
      if (i < 0) i = 1;
      setSpeed(SPEEDS[Math.max(0, Math.min(SPEEDS.length - 1, i + step))]);
    }

    var ticking = false;
    function tick() {
      if (audio.paused) { ticking = false; return; }
      update();
      window.requestAnimationFrame(tick);
    }
    audio.addEventListener("play", function () {
      engaged = true;
      setLabel();
      if (resume) resume.hidden = true;
      if (!ticking) { ticking = true; window.requestAnimationFrame(tick); }
    });
    audio.addEventListener("pause", function () {
      setLabel();
      update();
      var t = audio.currentTime, d = duration();
      if (t > 5 && (!d || t < d - 5)) store(posKey, t.toFixed(1));
    });
    audio.addEventListener("ended", function () { setLabel(); store(posKey, null); });
    audio.addEventListener("timeupdate", update);
    audio.addEventListener("seeked", update);
    audio.addEventListener("durationchange", update);
    audio.addEventListener("error", function () {
      if (nowLine) {
        nowText.textContent = "Không tải được bài nghe. Hãy thử tải tệp MP3 về máy.";
        nowLine.hidden = false;
      }
    });

    function restore() {
      var saved = parseFloat(load(posKey) || "");
      var d = duration();
      if (saved > 5 && (!d || saved < d - 5) && audio.currentTime < 1) {
        audio.currentTime = saved;
        engaged = true;
        if (resume) {
          resumeText.textContent = "Nghe tiếp từ " + clock(saved) + ", nơi bạn đã dừng lần trước.";
          resume.hidden = false;
        }
      }
      update();
    }
    if (audio.readyState >= 1) restore();
    else audio.addEventListener("loadedmetadata", restore, { once: true });

    if (prefs.rate && SPEEDS.indexOf(prefs.rate) >= 0) setSpeed(prefs.rate);

    box.addEventListener("click", function (event) {
      var button = event.target.closest("button[data-vr]");
      if (!button) return;
      var action = button.getAttribute("data-vr");
      if (action === "play") toggle();
      else if (action === "back") seekTo(audio.currentTime - 15);
      else if (action === "forward") seekTo(audio.currentTime + 15);
      else if (action === "prev") sentence(-1);
      else if (action === "next") sentence(1);
      else if (action === "restart") { seekTo(0); resume.hidden = true; playButton.focus(); }
      else if (action === "chapter") {
        seekTo(parseFloat(button.getAttribute("data-start")) || 0);
        if (audio.paused) toggle();
      }
    });
    seek.addEventListener("input", function () { seekTo(parseFloat(seek.value) || 0); });
    speed.addEventListener("change", function () { setSpeed(parseFloat(speed.value) || 1); });

    /* Shortcuts act only while focus is inside this player: no page-wide key handler. */
    box.addEventListener("keydown", function (event) {
      if (event.ctrlKey || event.metaKey || event.altKey) return;
      var target = event.target;
      var tag = target.tagName;
      var key = event.key;
      if (tag === "SELECT" && /^(Arrow|Home|End|Page| )/.test(key)) return;
      if (tag === "INPUT" && target.type === "text") return;
      var activates = tag === "BUTTON" || tag === "SUMMARY" || tag === "A" ||
        (tag === "INPUT" && target.type === "checkbox");
      var handled = true;
      switch (key) {
        case " ": case "Spacebar":
          if (activates) return;
          toggle(); break;
        case "k": case "K": toggle(); break;
        case "ArrowLeft": seekTo(audio.currentTime - 5); break;
        case "ArrowRight": seekTo(audio.currentTime + 5); break;
        case "j": case "J": seekTo(audio.currentTime - 15); break;
        case "l": case "L": seekTo(audio.currentTime + 15); break;
        case "p": case "P": sentence(-1); break;
        case "n": case "N": sentence(1); break;
        case "-": case "_": stepSpeed(-1); break;
        case "+": case "=": stepSpeed(1); break;
        case "Home": seekTo(0); break;
        case "End": seekTo(duration()); break;
        default: handled = false;
      }
      if (handled) event.preventDefault();
    });

    /* Clicking a sentence of the text plays from there (not while selecting text). */
    document.addEventListener("click", function (event) {
      var span = event.target.closest && event.target.closest(".vr-s[data-start]");
      if (!span || event.target.closest("a")) return;
      var selection = window.getSelection && window.getSelection();
      if (selection && String(selection).length) return;
      seekTo(parseFloat(span.getAttribute("data-start")) || 0);
      if (audio.paused) toggle();
    });

    mediaSession();
    setLabel();
    update();

    /* Lock-screen, notification and headset controls (Media Session API). */
    function mediaSession() {
      var session = navigator.mediaSession;
      if (!session) return;
      var title = box.getAttribute("data-title") || document.title;
      var portal = box.getAttribute("data-portal") || "";
      var art = box.getAttribute("data-artwork");
      if (window.MediaMetadata) {
        var artwork = [];
        if (art) {
          var image = { src: new URL(art, document.baseURI).href };
          var sizes = box.getAttribute("data-artwork-sizes");
          if (sizes) image.sizes = sizes;
          image.type = /\.png$/i.test(art) ? "image/png" : "image/jpeg";
          artwork.push(image);
        }
        session.metadata = new window.MediaMetadata({
          title: title, artist: portal, album: portal, artwork: artwork
        });
      }
      var actions = {
        play: function () { if (audio.paused) toggle(); },
        pause: function () { if (!audio.paused) toggle(); },
        seekbackward: function (d) { seekTo(audio.currentTime - ((d && d.seekOffset) || 15)); },
        seekforward: function (d) { seekTo(audio.currentTime + ((d && d.seekOffset) || 15)); },
        previoustrack: function () { sentence(-1); },
        nexttrack: function () { sentence(1); },
        seekto: function (d) {
          if (!d || typeof d.seekTime !== "number") return;
          if (d.fastSeek && audio.fastSeek) { engaged = true; audio.fastSeek(d.seekTime); update(); }
          else seekTo(d.seekTime);
        }
      };
      Object.keys(actions).forEach(function (name) {
        try { session.setActionHandler(name, actions[name]); } catch (e) { /* not supported here */ }
      });
      function position() {
        session.playbackState = audio.paused ? "paused" : "playing";
        var d = duration();
        if (!session.setPositionState || !d) return;
        try {
          session.setPositionState({
            duration: d, playbackRate: audio.playbackRate || 1,
            position: Math.max(0, Math.min(audio.currentTime, d))
          });
        } catch (e) { /* a state the browser refuses (e.g. while loading) */ }
      }
      ["timeupdate", "ratechange", "durationchange", "seeked", "play", "pause", "loadedmetadata"]
        .forEach(function (name) { audio.addEventListener(name, position); });
    }
  }

  function start() {
    setupSettings();
    setupCopy();
    setupAbbreviations();
    document.querySelectorAll("[data-vr-player]").forEach(function (box) { Player(box); });
    root.classList.add("vr-ready");
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
