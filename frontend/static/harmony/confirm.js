/* Behaviour that used to sit in inline attributes, which the Content-Security-Policy forbids:
   a button marked data-confirm asks before it submits; a link marked data-history-back goes
   back one page.

   The question is a KRDS dialog (a <dialog> with the KRDS modal classes), not the browser's
   confirm(): it reads like the rest of the page, keeps focus inside while open (showModal),
   closes on Esc as "취소", and gives focus back to the button that asked. */
(function () {
  "use strict";
  var lang = (document.documentElement.lang || "ko").slice(0, 2);
  var words = lang === "ko" ? {title: "확인", ok: "확인", cancel: "취소"}
                            : {title: "Please confirm", ok: "OK", cancel: "Cancel"};

  function dialogElement() {
    var dialog = document.getElementById("hm-confirm");
    if (dialog) return dialog;
    dialog = document.createElement("dialog");
    dialog.id = "hm-confirm";
    dialog.className = "krds-modal hm-dialog";
    dialog.setAttribute("aria-labelledby", "hm-confirm-title");
    dialog.setAttribute("aria-describedby", "hm-confirm-text");
    dialog.innerHTML =
      '<div class="modal-dialog modal-sm"><div class="modal-content">' +
      '<div class="modal-header"><h2 class="modal-title" id="hm-confirm-title"></h2></div>' +
      '<div class="modal-conts"><p class="conts-area" id="hm-confirm-text"></p></div>' +
      '<div class="modal-btn btn-wrap">' +
      '<button type="button" class="krds-btn medium tertiary" value="cancel"></button>' +
      '<button type="button" class="krds-btn medium primary" value="ok"></button>' +
      "</div></div></div>";
    dialog.querySelector(".modal-title").textContent = words.title;
    dialog.querySelector('[value="cancel"]').textContent = words.cancel;
    dialog.querySelector('[value="ok"]').textContent = words.ok;
    dialog.addEventListener("click", function (event) {
      var button = event.target.closest("button[value]");
      if (button) dialog.close(button.value);
    });
    document.body.appendChild(dialog);
    return dialog;
  }

  /* Ask the question; call done(true) on 확인, done(false) on 취소 or Esc. */
  function ask(question, opener, done) {
    var dialog = dialogElement();
    dialog.querySelector("#hm-confirm-text").textContent = question;
    dialog.returnValue = "";
    dialog.addEventListener("close", function closed() {
      dialog.removeEventListener("close", closed);
      if (opener && opener.focus) opener.focus();
      done(dialog.returnValue === "ok");
    });
    dialog.showModal();
    dialog.querySelector('[value="cancel"]').focus();  // the safe answer is the default
  }

  document.addEventListener("click", function (event) {
    var asking = event.target.closest("[data-confirm]");
    if (asking) {
      if (asking.dataset.confirmed) {
        delete asking.dataset.confirmed;  // answered 확인: let this click through
      } else {
        event.preventDefault();
        ask(asking.dataset.confirm, asking, function (ok) {
          if (!ok) return;
          asking.dataset.confirmed = "1";
          asking.click();
        });
        return;
      }
    }
    if (event.target.closest("a[data-history-back]")) {
      event.preventDefault();
      window.history.back();
    }
  });

  /* htmx's hx-confirm asks through the same dialog. */
  document.addEventListener("htmx:confirm", function (event) {
    if (!event.detail.question) return;
    event.preventDefault();
    ask(event.detail.question, event.detail.elt, function (ok) {
      if (ok) event.detail.issueRequest(true);
    });
  });
})();
