/* Rich text for long bodies (기안문, 메모보고): a textarea marked data-rich-text becomes a Trix
   editor writing HTML into a hidden field of the same name; the server sanitises it (nh3).
   Without JavaScript the plain textarea stays, and its lines become paragraphs. */
(function () {
  "use strict";
  var KOREAN = {
    bold: "굵게", italic: "기울임", strike: "취소선", link: "링크", heading1: "제목",
    quote: "인용", code: "코드", bullets: "글머리 기호", numbers: "번호 목록",
    outdent: "내어쓰기", indent: "들여쓰기", undo: "실행 취소", redo: "다시 실행",
    attachFiles: "파일 첨부", url: "주소", urlPlaceholder: "주소를 입력하세요",
    unlink: "링크 해제", remove: "삭제", captionPlaceholder: "설명 추가…",
    GB: "GB", KB: "KB", MB: "MB", PB: "PB", TB: "TB", bytes: "바이트"
  };

  function toParagraphs(text) {
    if (/<[a-z][\s\S]*>/i.test(text)) return text;
    return text.split(/\n{2,}/).map(function (block) {
      var div = document.createElement("div");
      div.textContent = block;
      return "<p>" + div.innerHTML.replace(/\n/g, "<br>") + "</p>";
    }).join("");
  }

  function enhance(textarea) {
    var hidden = document.createElement("input");
    hidden.type = "hidden";
    hidden.name = textarea.name;
    hidden.id = textarea.id + "-html";
    hidden.value = toParagraphs(textarea.value);
    var editor = document.createElement("trix-editor");
    editor.setAttribute("input", hidden.id);
    editor.setAttribute("aria-labelledby", textarea.id + "-label");
    editor.className = "hm-rich-text";
    var label = document.querySelector("label[for='" + textarea.id + "']");
    if (label) {
      label.id = textarea.id + "-label";
      label.htmlFor = hidden.id;
      label.addEventListener("click", function () { editor.focus(); });
    }
    textarea.removeAttribute("name");
    textarea.hidden = true;
    textarea.after(hidden, editor);
  }

  document.addEventListener("trix-file-accept", function (event) {
    event.preventDefault(); // files go in the attachment field (붙임), checked by the server
  });
  document.addEventListener("DOMContentLoaded", function () {
    if (!window.Trix) return;
    if (document.documentElement.lang === "ko") Object.assign(Trix.config.lang, KOREAN);
    document.querySelectorAll("textarea[data-rich-text]").forEach(enhance);
  });
})();
