/* Kurs Yönetimi: every script of the pages, as one bundled file (the Content-Security-Policy
   allows no inline script and no on*= attribute). Each part finds its elements by class or
   data-* attribute and does nothing on a page without them. Loaded after FAB's jQuery,
   bootstrap, datepicker, select2, ab.js, ab_filters.js and ab_actions.js. */
(function ($) {
  "use strict";

  // Date boxes (core.views.TrDateWidget): Turkish picker; what a person typed is never
  // rewritten (forceParse: false): 31.02.2027 stays as typed and the server says why it
  // is refused, instead of the picker rolling it over into 03.03.2027.
  if ($.fn.datepicker) {
    $.fn.datepicker.dates.tr = {
      days: ["Pazar", "Pazartesi", "Salı", "Çarşamba", "Perşembe", "Cuma", "Cumartesi"],
      daysShort: ["Paz", "Pzt", "Sal", "Çar", "Per", "Cum", "Cmt"],
      daysMin: ["Pz", "Pt", "Sa", "Ça", "Pe", "Cu", "Ct"],
      months: ["Ocak", "Şubat", "Mart", "Nisan", "Mayıs", "Haziran", "Temmuz", "Ağustos", "Eylül", "Ekim", "Kasım", "Aralık"],
      monthsShort: ["Oca", "Şub", "Mar", "Nis", "May", "Haz", "Tem", "Ağu", "Eyl", "Eki", "Kas", "Ara"],
      today: "Bugün", clear: "Temizle", weekStart: 1, format: "dd.mm.yyyy"
    };
    dateBoxes(document);
    // The picker re-reads the box only on key-up: a pasted or autofilled date would be
    // wiped when it closes. Re-read on every input as well (a valid date only).
    $(document).on("input", ".kurs-date input", function () {
      if (/^\d{1,2}\.\d{1,2}\.\d{4}$/.test(this.value)) { $(this).closest(".kurs-date").datepicker("update"); }
    });
  }

  // The date boxes under root that have no picker yet (the list's filter boxes are made
  // when a filter is added: appbuilder/general/widgets/search.html, core.views._search_fields)
  function dateBoxes(root) {
    if (!$.fn.datepicker) { return; }
    $(".kurs-date", root).not(".kurs-date-ready").addClass("kurs-date-ready")
      .datepicker({format: "dd.mm.yyyy", language: "tr", weekStart: 1, autoclose: true, forceParse: false});
  }

  // "Logout" in the user menu signs out by POST with the CSRF token (a GET changes nothing)
  $(document).on("click", "a.kurs-cikis", function (e) {
    var form = document.getElementById("kurs-cikis-formu");
    if (form) { e.preventDefault(); form.submit(); }
  });

  // FAB's list and show actions (templates appbuilder/general/lib.html, widgets/base_list.html)
  if (typeof AdminActions !== "undefined") {
    window.modelActions = new AdminActions();
    $(document).on("click", ".kurs-action-single", function (e) {
      e.preventDefault();
      var confirmation = this.getAttribute("data-confirm") || false;
      return new AdminActions().execute_single(this.getAttribute("data-path"), confirmation);
    });
    $(document).on("click", ".kurs-action-multiple", function (e) {
      e.preventDefault();
      var confirmation = this.getAttribute("data-confirm") || false;
      return window.modelActions.execute_multiple(this.getAttribute("data-action"), confirmation);
    });
    $(document).on("click", ".kurs-delete", function (e) {
      e.preventDefault();
      return new AdminActions().execute_single_delete(this.getAttribute("data-href"), this.getAttribute("data-confirm"));
    });
  }

  // FAB's list search (appbuilder/general/widgets/search.html)
  var filterForm = document.getElementById("filter_form");
  if (filterForm && filterForm.getAttribute("data-labels") && typeof AdminFilters !== "undefined") {
    new AdminFilters("#filter_form", JSON.parse(filterForm.getAttribute("data-labels")),
      JSON.parse(filterForm.getAttribute("data-fields")), JSON.parse(filterForm.getAttribute("data-filters")),
      JSON.parse(filterForm.getAttribute("data-active")));
    dateBoxes(filterForm);  // the filters the page was opened with
    $(filterForm).on("click", "a.filter", function () { dateBoxes(filterForm); });  // after FAB adds the box
  }
  $(".my_select2").each(function () {
    if (!$(this).find("option[value='']").length) { $(this).prepend("<option value=''></option>"); }
  });

  // Photo screen: the chosen file is previewed before it is sent (trainees/kursiyer_foto.html)
  var photo = document.querySelector("input[data-onizleme]");
  if (photo) {
    photo.addEventListener("change", function () {
      var f = this.files && this.files[0];
      var img = document.getElementById(this.getAttribute("data-onizleme"));
      if (!f) { img.removeAttribute("src"); return; }
      var r = new FileReader();
      r.onload = function (e) { img.src = e.target.result; };
      r.readAsDataURL(f);
    });
  }

  // Entry documents being built in the background (exams/sinav_giris_is.html)
  var bar = document.querySelector("#ilerleme[data-url]");
  if (bar) {
    (function poll() {
      fetch(bar.getAttribute("data-url"), {credentials: "same-origin"}).then(function (r) { return r.json(); }).then(function (s) {
        var pct = s.total ? Math.round(100 * s.done / s.total) : 100;
        bar.style.width = pct + "%"; bar.textContent = pct + "%"; bar.setAttribute("aria-valuenow", pct);
        var state = document.getElementById("durum");
        if (s.error) { state.textContent = "Hata: " + s.error; return; }
        if (s.ready) { state.textContent = s.total + " belge hazır."; document.getElementById("indir").style.display = ""; return; }
        state.textContent = s.done + " / " + s.total + " belge";
        setTimeout(poll, 700);
      });
    })();
  }

  // e-Sınav hall map, refreshed every 10 s (esinav/salon.html)
  var map = document.querySelector("#harita[data-url]");
  if (map) {
    (function refresh() {
      setTimeout(function () {
        fetch(map.getAttribute("data-url"), {credentials: "same-origin"}).then(function (r) { return r.ok ? r.text() : null; })
          .then(function (html) { if (html !== null) { map.innerHTML = html; } refresh(); }).catch(refresh);
      }, 10000);
    })();
  }
})(jQuery);
