/* The approval line builder (approvals/_line_builder.html). Without JavaScript its buttons
   submit the form and the server applies each change (core/approvals/forms.py, line_edit).
   With it, the same buttons change the line in place — no reload, so chosen attachments and
   the text stay: add a person found by the search as 검토/협조/결재, move them up or down
   (keyboard), drag to reorder within their role, remove them. The hidden fields' order is
   the line's order; a live region says what changed. */
(function () {
  "use strict";

  function builder() { return document.getElementById("line-builder"); }
  function list(field) {
    return builder().querySelector('.hm-line-list[data-field="' + field + '"]');
  }
  function say(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_, key) { return values[key]; });
  }
  function announce(text) {
    var status = document.getElementById("line-status");
    if (!status) return;
    status.textContent = "";
    window.setTimeout(function () { status.textContent = text; }, 30);
  }
  function nameOf(entry) { return entry.querySelector(".hm-line-name").textContent; }
  function position(entry) {
    return Array.prototype.indexOf.call(entry.parentNode.children, entry) + 1;
  }

  function makeEntry(field, pk, name, detail) {
    var entry = document.getElementById("line-entry").content.firstElementChild.cloneNode(true);
    entry.dataset.person = pk;
    var input = entry.querySelector("input");
    input.name = field;
    input.value = pk;
    entry.querySelector(".hm-line-name").textContent = name;
    entry.querySelector(".hm-line-detail").textContent = detail;
    entry.querySelectorAll("button[data-action]").forEach(function (button) {
      var action = button.dataset.action;
      if (field === "approver" && action !== "remove") { button.remove(); return; }
      button.value = field + ":" + pk + (action === "remove" ? "" : ":" + action);
      button.setAttribute("aria-label", say(button.dataset.label, { name: name }));
    });
    return entry;
  }

  function add(button) {
    var field = button.value.split(":")[0], pk = button.value.split(":")[1];
    var root = builder(), target = list(field);
    var existing = root.querySelector('.hm-line-entry[data-person="' + pk + '"]');
    var reviewers = list("reviewers").children.length;
    if (field === "reviewers" && reviewers >= Number(root.dataset.maxReviewers) &&
        !(existing && existing.parentNode === target)) {
      announce(root.dataset.tooMany);
      return;
    }
    if (existing) existing.remove();
    if (field === "approver") target.replaceChildren();
    target.appendChild(makeEntry(field, pk, button.dataset.name, button.dataset.detail || ""));
    announce(say(root.dataset.added, { name: button.dataset.name, role: target.dataset.role }));
    offerProposed();
  }

  // "제안대로 지정" is offered while the proposed approver is not the approver.
  function offerProposed() {
    var offer = builder().querySelector(".hm-line-proposed button");
    if (!offer) return;
    var approver = list("approver").querySelector("input");
    offer.hidden = Boolean(approver) && "approver:" + approver.value === offer.value;
  }

  function move(button) {
    var entry = button.closest(".hm-line-entry");
    var up = button.dataset.action === "up";
    var other = up ? entry.previousElementSibling : entry.nextElementSibling;
    if (other) {
      if (up) other.before(entry); else other.after(entry);
      button.focus();
    }
    announce(say(builder().dataset.moved, { name: nameOf(entry), n: position(entry) }));
  }

  function remove(button) {
    var entry = button.closest(".hm-line-entry");
    var name = nameOf(entry);
    entry.remove();
    offerProposed();
    document.getElementById("people-q").focus();
    announce(say(builder().dataset.removed, { name: name }));
  }

  function search() {
    var box = document.getElementById("people-q");
    if (window.htmx && box) window.htmx.trigger(box, "search");
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("#line-builder button[name]");
    if (!button) return;
    var actions = { line_add: add, line_move: move, line_remove: remove, find_people: search };
    var act = actions[button.name];
    if (!act || (button.name === "find_people" && !window.htmx)) return;
    event.preventDefault();
    act(button);
  });

  // Enter in the search box searches; it never submits the draft.
  document.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && event.target.id === "people-q") {
      event.preventDefault();
      search();
    }
  });

  // Drag to reorder, within the same role (검토 stays before 협조 before 결재).
  var dragged = null;
  document.addEventListener("dragstart", function (event) {
    var entry = event.target.closest && event.target.closest("#line-builder .hm-line-entry");
    if (!entry) return;
    dragged = entry;
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", entry.dataset.person);
    entry.classList.add("hm-dragging");
  });
  document.addEventListener("dragover", function (event) {
    if (!dragged) return;
    var over = event.target.closest && event.target.closest(".hm-line-entry");
    if (!over || over === dragged || over.parentNode !== dragged.parentNode) return;
    event.preventDefault();
    var box = over.getBoundingClientRect();
    if (event.clientY < box.top + box.height / 2) over.before(dragged); else over.after(dragged);
  });
  document.addEventListener("drop", function (event) { if (dragged) event.preventDefault(); });
  document.addEventListener("dragend", function () {
    if (!dragged) return;
    dragged.classList.remove("hm-dragging");
    announce(say(builder().dataset.moved, { name: nameOf(dragged), n: position(dragged) }));
    dragged = null;
  });
})();
