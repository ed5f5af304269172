// Organisation pickers (partners/pickers.py): Tom Select turns the text inputs marked
// data-organisation-picker into search fields fed by the JSON suggestions, and the
// selects marked data-picker into selects searchable in the page. Without this script
// the inputs and selects work as they are.
(function () {
  "use strict";

  function details(item) {
    return [item.kind_label, item.department, item.siren ? "SIREN " + item.siren : ""]
      .filter(Boolean)
      .join(" · ");
  }

  // As partners/collation.py folds names: no accents, no case, no punctuation.
  function fold(text) {
    return (text || "")
      .normalize("NFKD")
      .replace(/[\u0300-\u036f]/g, "")
      .toLowerCase()
      .replace(/œ/g, "oe")
      .replace(/æ/g, "ae")
      .replace(/[\s\-'’‘`´.,;:/()«»"]+/g, " ")
      .trim();
  }

  // Only the options holding every word typed, in their given order (the server's, or
  // the page's); for the remote pickers this also drops answers that came back late.
  function matches(query) {
    const words = fold(query).split(" ").filter(Boolean);
    return (item) => {
      const name = fold(item.name || item.text);
      const siren = item.siren || "";
      return words.every((word) => name.includes(word) || siren.includes(word)) ? 1 : 0;
    };
  }

  function remotePicker(input) {
    const url = new URL(input.dataset.searchUrl, window.location.href);
    const selected = input.dataset.selectedId
      ? [{ id: input.dataset.selectedId, name: input.dataset.selectedLabel, label: input.dataset.selectedLabel }]
      : [];
    // The input shows a readable label without the script; the picker sends the id.
    input.value = input.dataset.selectedId || "";
    let requests = 0;
    return new TomSelect(input, {
      maxItems: 1,
      create: false,
      valueField: "id",
      labelField: "name",
      searchField: [],
      options: selected,
      items: selected.map((item) => item.id),
      preload: "focus",
      loadThrottle: 250,
      placeholder: input.getAttribute("placeholder") || "",
      // The server has already searched (accents, SIREN, scope): show what it sent.
      score: matches,
      shouldLoad: () => true,
      load(query, callback) {
        const sent = ++requests;
        url.searchParams.set("q", query);
        fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
          .then((response) => (response.ok ? response.json() : { results: [] }))
          .then((data) => {
            if (sent !== requests) {
              callback();
              return;
            }
            this.clearOptions();
            callback(data.results);
          })
          .catch(() => callback());
      },
      render: {
        option: (item, escape) =>
          "<div><div>" + escape(item.name) + "</div>" +
          (item.kind_label ? '<small class="text-body-secondary">' + escape(details(item)) + "</small>" : "") +
          "</div>",
        item: (item, escape) => "<div>" + escape(item.label || item.name) + "</div>",
        no_results: () => '<div class="no-results">Aucune organisation ne correspond.</div>',
        loading: () => '<div class="spinner-border spinner-border-sm m-2" role="status"><span class="visually-hidden">Recherche…</span></div>',
      },
    });
  }

  function localPicker(select) {
    return new TomSelect(select, {
      create: false,
      allowEmptyOption: true,
      maxOptions: null,
      // Every word typed, accents ignored, in the page's (French) order.
      score: matches,
      render: {
        no_results: () => '<div class="no-results">Aucune organisation ne correspond.</div>',
      },
    });
  }

  // Tom Select moves the label to its own control; the original field, still in the
  // form to be sent, is hidden from assistive technologies so that it is not read twice
  // without a label.
  function hideOriginal(picker) {
    picker.input.setAttribute("aria-hidden", "true");
  }

  function enhance(root) {
    if (typeof TomSelect === "undefined") {
      return;
    }
    root.querySelectorAll("input[data-organisation-picker]").forEach((input) => {
      if (!input.tomselect) {
        hideOriginal(remotePicker(input));
      }
    });
    root.querySelectorAll("select[data-picker]").forEach((select) => {
      if (!select.tomselect && !select.closest("[hidden], .d-none")) {
        hideOriginal(localPicker(select));
      }
    });
  }

  document.addEventListener("DOMContentLoaded", () => enhance(document));
  // Pieces of page swapped in by htmx get their pickers too.
  document.addEventListener("htmx:afterSettle", (event) => enhance(event.target));
})();
