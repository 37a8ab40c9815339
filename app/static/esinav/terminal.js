/* e-Sınav candidate terminal (issue 11). No framework, no inline script.
 *
 * The server is the only truth and the only clock:
 *  - a tap is shown as chosen only once the server acknowledged it; until then the option
 *    is "kaydediliyor" and the bar says how many taps are not yet saved;
 *  - taps that cannot reach the server wait in a queue (memory + localStorage, so a reload
 *    keeps them) and are sent again in order, one at a time, each with its sequence number
 *    (the server stores a re-sent tap once);
 *  - the question on screen is kept in localStorage under the attempt's token, so a reload
 *    comes back to it (a new PC, e.g. a spare seat, starts at question 1 with every answer);
 *  - the remaining time is the server's figure, counted down locally between answers and
 *    corrected by every answer and by a poll every 15 s.
 */
(function () {
  "use strict";
  var body = document.body;
  var base = body.getAttribute("data-adres");
  var S = null;            // the last state from the server
  var current = 1;         // question number on screen
  var queue = [];          // [{no, secim, sira}] not yet acknowledged
  var nextSeq = 0;
  var sending = false;
  var retryMs = 500;
  var clockAt = 0;         // performance.now() when S.kalan_sn / S.baslamaya_sn were read
  var pollTimer = null;
  var confirmStep = 0;

  function $(id) { return document.getElementById(id); }
  function show(el, on) { if (el) { el.hidden = !on; } }
  function storeKey() { return S && S.token ? "esinav-kuyruk-" + S.token : null; }
  function saveQueue() {
    var k = storeKey();
    if (!k) { return; }
    try { localStorage.setItem(k, JSON.stringify(queue)); } catch (e) { /* private mode: memory only */ }
  }
  function saveCurrent() {
    if (!S || !S.token) { return; }
    try { localStorage.setItem("esinav-soru-" + S.token, String(current)); } catch (e) { /* memory only */ }
  }
  function loadCurrent() {
    var no = 1;
    try { no = parseInt(localStorage.getItem("esinav-soru-" + S.token) || "1", 10); } catch (e) { no = 1; }
    return no >= 1 ? no : 1;
  }
  function loadQueue() {
    var k = storeKey();
    if (!k) { return []; }
    try { return JSON.parse(localStorage.getItem(k) || "[]") || []; } catch (e) { return []; }
  }

  function request(method, path, data) {
    var opts = { method: method, headers: { "Accept": "application/json" }, cache: "no-store" };
    if (data !== undefined) {
      opts.headers["Content-Type"] = "application/json";
      opts.headers["X-Sinav-Token"] = (S && S.token) || "";
      opts.body = JSON.stringify(data);
    }
    return fetch(base + path, opts).then(function (resp) {
      return resp.json().then(function (json) { return { status: resp.status, json: json }; },
                              function () { return { status: resp.status, json: {} }; });
    });
  }

  function error(text) { $("hata").textContent = text || ""; show($("hata"), !!text); }

  // --- state ------------------------------------------------------------------------------
  function load() {
    return request("GET", "/durum").then(function (r) {
      if (r.status !== 200) { throw new Error("durum " + r.status); }
      apply(r.json);
    }).catch(function () {
      error("Sunucuya ulaşılamıyor; yeniden deneniyor…");
      schedule(3000);
    });
  }

  function apply(state) {
    var first = !S || S.token !== state.token;
    S = state;
    clockAt = performance.now();
    if (first && S.token) {
      current = loadCurrent();
      var kept = loadQueue();
      queue = kept.concat(queue.filter(function (q) { return !kept.some(function (k) { return k.sira === q.sira; }); }));
    }
    if (S.sira_taban) {
      var maxQueued = queue.reduce(function (m, q) { return Math.max(m, q.sira); }, 0);
      nextSeq = Math.max(nextSeq, S.sira_taban, maxQueued + 1);
    }
    error("");
    render();
    pump();
    schedule(S.faz === "sinav" ? 15000 : 3000);
  }

  function schedule(ms) {
    clearTimeout(pollTimer);
    if (S && (S.faz === "bitti" || S.faz === "kapali")) { return; }
    pollTimer = setTimeout(load, ms);
  }

  function render() {
    ["yukleniyor", "bos", "kimlik", "kurallar", "bekle", "sinav", "bitti", "kapali"].forEach(function (f) {
      show($("faz-" + f), S.faz === f);
    });
    var a = S.aday || {};
    if (S.faz === "kimlik") {
      $("aday-tc").textContent = a.tc || "";
      $("aday-ad").textContent = a.ad || "";
      $("aday-soyad").textContent = a.soyad || "";
      if (a.foto && !$("foto").getAttribute("src")) { $("foto").src = base + "/foto"; }
      show($("foto"), !!a.foto);
      show($("cagri-mesaj"), !!a.cagri);
    }
    if (S.faz === "bekle") { show($("yoklama-yok"), !a.yoklama); }
    if (S.faz === "kapali") { $("kapali-mesaj").textContent = S.mesaj || ""; }
    if (S.faz === "bitti") { renderEnd(); }
    show($("soru-sayaci"), S.faz === "sinav" || S.faz === "bekle");
    show($("kalan"), S.faz === "sinav" || S.faz === "bekle");
    show($("kayit-durumu"), S.faz === "sinav");
    if (S.faz === "sinav") {
      if (S.sorular && current > S.sorular.length) { current = 1; }
      renderQuestion(); renderGrid();
    }
    $("soru-sayaci").textContent = S.faz === "sinav" ? "Soru " + current + " / " + S.soru_sayisi
      : S.soru_sayisi + " soru · " + S.sure_dk + " dakika";
    tick();
    renderSaved();
  }

  function renderEnd() {
    $("bitis-bilgi").textContent = (S.durum === "süre bitti" ? "Sınav süreniz doldu. " : "Sınavı bitirdiniz. ") +
      (S.cevapli !== undefined ? S.cevapli + " / " + S.soru_sayisi + " soru cevaplandı." : "");
    if (S.sonuc) {
      $("puan").textContent = S.sonuc.puan;
      $("sonuc-metni").textContent = (S.sonuc.gecti ? "Başarılı" : "Başarısız") + " (geçme notu " +
        S.sonuc.gecme_notu.replace(".", ",") + "; " + S.sonuc.dogru + " doğru / " + S.sonuc.gecerli + " geçerli soru)";
    }
    show($("sonuc"), !!S.sonuc);
  }

  function question(no) { return S.sorular[no - 1]; }
  function pendingFor(no) {
    for (var i = queue.length - 1; i >= 0; i--) { if (queue[i].no === no) { return queue[i]; } }
    return null;
  }

  function renderQuestion() {
    var q = question(current);
    if (!q) { return; }
    $("soru-no").textContent = current;
    $("soru-metni").textContent = q.metin;
    if (q.resim) { $("soru-resmi").src = base + "/resim/" + q.no; }
    show($("soru-resmi"), q.resim);
    var pending = pendingFor(q.no);
    document.querySelectorAll(".secenek").forEach(function (btn, i) {
      var harf = btn.getAttribute("data-harf");
      btn.querySelector(".metin").textContent = q.secenekler[i];
      btn.classList.toggle("secili", q.secim === harf);
      btn.classList.toggle("kaydediliyor", !!pending && pending.secim === harf);
      btn.setAttribute("aria-pressed", q.secim === harf ? "true" : "false");
    });
    $("isaretle").classList.toggle("etkin", q.isaretli);
    $("isaretle").textContent = q.isaretli ? "İşareti kaldır" : "İncelemek için işaretle";
    $("onceki").disabled = current <= 1;
    $("sonraki").disabled = current >= S.sorular.length;
    $("soru-sayaci").textContent = "Soru " + current + " / " + S.soru_sayisi;
  }

  function renderGrid() {
    var grid = $("izgara");
    if (grid.children.length !== S.sorular.length) {
      grid.textContent = "";
      S.sorular.forEach(function (q) {
        var b = document.createElement("button");
        b.type = "button";
        b.textContent = q.no;
        b.setAttribute("data-no", q.no);
        grid.appendChild(b);
      });
    }
    S.sorular.forEach(function (q, i) {
      var b = grid.children[i];
      b.className = (q.secim ? "cevapli" : "") + (q.isaretli ? " isaretli" : "") + (q.no === current ? " simdiki" : "") +
        (pendingFor(q.no) ? " kaydediliyor" : "");
    });
  }

  function renderSaved() {
    if (!S) { return; }
    $("son-kayit").textContent = S.son_kayit ? "son kayıt: " + S.son_kayit : "henüz kayıt yok";
    var n = queue.length;
    $("bekleyen").textContent = n ? n + " işaretleme henüz kaydedilmedi" + (sending ? " (gönderiliyor…)" : "") : "";
    show($("bekleyen"), n > 0);
  }

  function fmt(sec) {
    sec = Math.max(0, Math.floor(sec));
    var h = Math.floor(sec / 3600), m = Math.floor((sec % 3600) / 60), s = sec % 60;
    return (h ? h + ":" + (m < 10 ? "0" : "") : "") + m + ":" + (s < 10 ? "0" : "") + s;
  }

  function tick() {
    if (!S) { return; }
    var passed = (performance.now() - clockAt) / 1000;
    if (S.faz === "sinav") {
      var left = S.kalan_sn - passed;
      $("kalan-sure").textContent = fmt(left);
      if (left <= 0 && !tick.reloading) { tick.reloading = true; setTimeout(function () { tick.reloading = false; load(); }, 1000); }
    } else if (S.faz === "bekle") {
      var wait = S.baslamaya_sn - passed;
      $("kalan-sure").textContent = fmt(S.sure_dk * 60);
      $("baslamaya").textContent = wait > 0 ? "Sınavın başlamasına " + fmt(wait) + " (" + S.baslama + ")" :
        "Sınav başladı: \u201cSınava Başla\u201d düğmesine dokununuz.";
      $("basla").disabled = wait > 0 || !(S.aday && S.aday.yoklama);
    }
  }

  // --- answers: stored before shown --------------------------------------------------------
  function tap(harf) {
    var q = question(current);
    if (!q) { return; }
    queue.push({ no: q.no, secim: harf, sira: nextSeq++ });
    saveQueue();
    renderQuestion(); renderGrid(); renderSaved();
    pump();
  }

  function pump() {
    if (sending || !queue.length || !S || S.faz !== "sinav") { renderSaved(); return; }
    sending = true;
    var item = queue[0];
    renderSaved();
    request("POST", "/cevap", { no: item.no, secim: item.secim, sira: item.sira }).then(function (r) {
      sending = false;
      if (r.status === 200) {
        queue.shift(); saveQueue(); retryMs = 500;
        var q = question(r.json.no);
        if (q) { q.secim = r.json.secim; }  // stored: now shown as chosen (a later pending tap shows as pending)
        S.son_kayit = r.json.son_kayit;
        if (r.json.kalan_sn !== null && r.json.kalan_sn !== undefined) { S.kalan_sn = r.json.kalan_sn; clockAt = performance.now(); }
        error("");
        renderQuestion(); renderGrid(); renderSaved();
        pump();
      } else if (r.status >= 500 || r.status === 0) {
        throw new Error("sunucu " + r.status);
      } else {  // refused: time over, finished, not this seat's attempt
        queue = []; saveQueue();
        error(r.json.hata || "İşaretleme kaydedilmedi.");
        load();
      }
    }).catch(function () {
      sending = false;
      error("Bağlantı yok: işaretlemeleriniz bu bilgisayarda bekliyor ve sırayla yeniden gönderilecek.");
      renderSaved();
      retryMs = Math.min(retryMs * 2, 4000);
      setTimeout(pump, retryMs);
    });
  }

  function post(path, data) {
    return request("POST", path, data || {}).then(function (r) {
      if (r.status === 200) { apply(r.json); } else { error(r.json.hata || "İşlem yapılamadı."); load(); }
    }).catch(function () { error("Sunucuya ulaşılamıyor; yeniden deneyiniz."); });
  }

  function mark() {
    var q = question(current);
    post("/isaret", { no: q.no, isaretli: !q.isaretli });
  }

  function go(no) {
    if (!S || !S.sorular || no < 1 || no > S.sorular.length) { return; }
    current = no;
    saveCurrent();
    renderQuestion(); renderGrid();
  }

  // --- finishing: asks twice (seed k) ---------------------------------------------------------
  function unanswered() {
    return S.sorular.filter(function (q) { var p = pendingFor(q.no); return p ? !p.secim : !q.secim; }).length;
  }
  function askFinish() {
    confirmStep = 1;
    $("onay-metni").textContent = "Sınavı bitirmek istediğinize emin misiniz?";
    show($("onay"), true);
  }
  function confirmFinish() {
    if (confirmStep === 1) {
      confirmStep = 2;
      var n = unanswered();
      $("onay-metni").textContent = (n ? n + " soru cevapsız. " : "Tüm sorular cevaplandı. ") +
        "Sınavı bitirirseniz devam edemezsiniz. Sınavı bitiriyor musunuz?";
      return;
    }
    show($("onay"), false);
    confirmStep = 0;
    var finish = function () {
      if (queue.length) { setTimeout(finish, 300); pump(); return; }  // every tap first
      post("/bitir", { onay: 2 });
    };
    finish();
  }

  document.addEventListener("DOMContentLoaded", function () {
    $("kimlik-onay").addEventListener("click", function () { post("/kimlik"); });
    $("cagir").addEventListener("click", function () { post("/cagri"); });
    $("kurallar-onay").addEventListener("click", function () { post("/kurallar"); });
    $("basla").addEventListener("click", function () { $("basla").disabled = true; post("/basla"); });
    document.querySelectorAll(".secenek").forEach(function (btn) {
      btn.addEventListener("click", function () { tap(btn.getAttribute("data-harf")); });
    });
    $("temizle").addEventListener("click", function () { tap(null); });
    $("isaretle").addEventListener("click", mark);
    $("onceki").addEventListener("click", function () { go(current - 1); });
    $("sonraki").addEventListener("click", function () { go(current + 1); });
    $("izgara").addEventListener("click", function (e) {
      var no = e.target && e.target.getAttribute("data-no");
      if (no) { go(parseInt(no, 10)); }
    });
    $("bitir").addEventListener("click", askFinish);
    $("onay-evet").addEventListener("click", confirmFinish);
    $("onay-hayir").addEventListener("click", function () { confirmStep = 0; show($("onay"), false); });
    window.addEventListener("online", pump);
    setInterval(tick, 250);
    load();
  });
}());
