// Transcription workspace: keyboard shortcuts for the player, timestamps, autosave with a
// version check (a 409 means someone else saved since: say so and stop saving over them).
(function () {
  "use strict";
  const AUTOSAVE_MS = 4000;
  const STEP_SECONDS = 5;
  const RATES = [0.5, 0.6, 0.7, 0.8, 0.9, 1, 1.1, 1.25, 1.5, 1.75, 2];

  function pad(n) { return String(Math.floor(n)).padStart(2, "0"); }

  function stamp(seconds) {
    const s = Math.max(0, Math.floor(seconds || 0));
    return "[" + pad(s / 3600) + ":" + pad((s % 3600) / 60) + ":" + pad(s % 60) + "]";
  }

  function csrfToken() {
    const meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.content : "";
  }

  function setup() {
    const player = document.getElementById("transcription-player");
    const editor = document.getElementById("transcript");
    if (!player || !editor) return;
    const status = document.getElementById("transcription-status");
    const conflict = document.getElementById("transcription-conflict");
    const meter = document.getElementById("transcription-progress");
    const percent = document.getElementById("transcription-percent");
    const rateLabel = document.getElementById("transcription-rate");
    const duration = parseFloat(editor.dataset.duration) || 0;
    let version = editor.dataset.version;
    let reached = parseFloat(editor.dataset.position) || 0;
    let savedReached = reached;
    let dirty = false;
    let saving = false;
    let stopped = editor.readOnly;

    function showProgress(value) {
      meter.value = value;
      percent.textContent = value + " %";
    }

    function togglePlay() {
      if (player.paused) { player.play(); } else { player.pause(); }
    }

    function seek(delta) {
      const end = isFinite(player.duration) ? player.duration : duration;
      player.currentTime = Math.min(Math.max(player.currentTime + delta, 0), end || 0);
    }

    function changeRate(direction) {
      let index = RATES.indexOf(player.playbackRate);
      if (index < 0) index = RATES.indexOf(1);
      index = Math.min(Math.max(index + direction, 0), RATES.length - 1);
      player.playbackRate = RATES[index];
      rateLabel.textContent = RATES[index].toFixed(RATES[index] % 1 ? 2 : 1).replace(/0$/, "") + "×";
    }

    function insertStamp() {
      if (editor.readOnly) return;
      const text = stamp(player.currentTime) + " ";
      const start = editor.selectionStart;
      const end = editor.selectionEnd;
      editor.setRangeText(text, start, end, "end");
      editor.focus();
      markDirty();
    }

    function markDirty() {
      dirty = true;
      if (!stopped) status.textContent = editor.dataset.unsaved;
    }

    async function save() {
      if (stopped || saving) return;
      if (!dirty && reached <= savedReached) return;
      saving = true;
      const sentReached = reached;
      const wasDirty = dirty;
      dirty = false;
      status.textContent = editor.dataset.saving;
      const body = new FormData();
      body.append("transcript", editor.value);
      body.append("version", version);
      body.append("position_seconds", sentReached.toFixed(2));
      try {
        const response = await fetch(editor.dataset.saveUrl, {
          method: "POST",
          body: body,
          headers: { "X-CSRFToken": csrfToken() },
          credentials: "same-origin",
        });
        const data = await response.json();
        if (response.ok) {
          version = String(data.version);
          savedReached = sentReached;
          status.textContent = data.saved;
          showProgress(data.progress);
          document.body.dataset.transcriptVersion = version;
        } else {
          dirty = dirty || wasDirty;
          if (response.status === 409) stopped = true;
          conflict.textContent = data.message;
          conflict.hidden = false;
          status.textContent = "";
        }
      } catch (error) {
        dirty = dirty || wasDirty;
        status.textContent = editor.dataset.failed;
      } finally {
        saving = false;
      }
    }

    player.addEventListener("timeupdate", function () {
      if (player.currentTime > reached) reached = player.currentTime;
    });
    editor.addEventListener("input", markDirty);
    editor.addEventListener("blur", save);
    window.setInterval(save, AUTOSAVE_MS);
    window.addEventListener("beforeunload", function (event) {
      if (dirty && !stopped) event.preventDefault();
    });

    document.addEventListener("keydown", function (event) {
      const key = event.key;
      let handled = true;
      if (key === "Escape" || (event.ctrlKey && (key === " " || event.code === "Space"))) {
        togglePlay();
      } else if (event.ctrlKey && key === "ArrowLeft") {
        seek(-STEP_SECONDS);
      } else if (event.ctrlKey && key === "ArrowRight") {
        seek(STEP_SECONDS);
      } else if (event.ctrlKey && key === "ArrowUp") {
        changeRate(1);
      } else if (event.ctrlKey && key === "ArrowDown") {
        changeRate(-1);
      } else if ((event.ctrlKey || event.altKey) && (key === "t" || key === "T" || event.code === "KeyT")) {
        // Ctrl+T, or Alt+T in browsers that keep Ctrl+T for a new tab.
        insertStamp();
      } else if (event.ctrlKey && (key === "s" || key === "S")) {
        dirty = true;
        save();
      } else {
        handled = false;
      }
      if (handled) event.preventDefault();
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setup);
  } else {
    setup();
  }
})();
