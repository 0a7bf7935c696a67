// arshif search: finds articles in the chunked index under search/ with
// nothing but static files. A query is normalised exactly as the build
// normalised the articles (src/render/search.rs): the folding of
// src/analyse/normalise.rs (fold_char, normalise) and the clitic removal of
// src/analyse/keywords.rs (light_form). tests/search.rs checks both sides
// against tests/fixtures/search-terms.json.
(function () {
  "use strict";

  // fold_char: "" drops the character, " " separates words.
  var ALEF = "أإآٱٲٳ";
  var YEH = "ىیې";
  var TEH_MARBUTA = "ةۀە";
  var SEPARATORS = "،؛؟«»٪٫٬۔“”‘’…–—";
  var ALNUM = /^[\p{Alphabetic}\p{N}]$/u;
  var SPACE = /^\s$/u;

  function inRange(c, from, to) {
    return c >= from && c <= to;
  }

  function foldChar(c) {
    if (YEH.indexOf(c) >= 0) return "ي";
    if (TEH_MARBUTA.indexOf(c) >= 0) return "ه";
    if (ALEF.indexOf(c) >= 0) return "ا";
    if (c === "ؤ") return "و";
    if (c === "ئ") return "ي";
    if (
      inRange(c, "\u064B", "\u065F") ||
      c === "\u0670" ||
      inRange(c, "\u06D6", "\u06ED") ||
      c === "\u0640" ||
      inRange(c, "\u200B", "\u200F") ||
      inRange(c, "\u202A", "\u202E") ||
      inRange(c, "\u2066", "\u2069") ||
      c === "\uFEFF" ||
      c === "\u00AD"
    ) {
      return "";
    }
    if (c === "ک") return "ك";
    if (inRange(c, "٠", "٩")) return String.fromCharCode(48 + c.charCodeAt(0) - 0x0660);
    if (inRange(c, "۰", "۹")) return String.fromCharCode(48 + c.charCodeAt(0) - 0x06f0);
    if (SEPARATORS.indexOf(c) >= 0) return " ";
    if (inRange(c, "\u0621", "\u063A") || inRange(c, "\u0641", "\u064A")) return c;
    var code = c.codePointAt(0);
    if (code < 128) {
      if (inRange(c, "a", "z") || inRange(c, "0", "9")) return c;
      if (inRange(c, "A", "Z")) return c.toLowerCase();
      return " ";
    }
    if (SPACE.test(c)) return " ";
    if (ALNUM.test(c)) return Array.from(c.toLowerCase())[0];
    return " ";
  }

  // normalise: NFC, folded characters, single spaces, trimmed.
  function normalise(text) {
    var out = "";
    for (var c of text.normalize("NFC")) {
      var folded = foldChar(c);
      if (folded === " ") {
        if (out.length && out[out.length - 1] !== " ") out += " ";
      } else {
        out += folded;
      }
    }
    return out[out.length - 1] === " " ? out.slice(0, -1) : out;
  }

  function length(text) {
    return Array.from(text).length;
  }

  // light_form: an optional conjunction (و ف), then an article (بال كال لل
  // ال) or a bare preposition (ب ل ك) before a word of four letters or more.
  function lightForm(word) {
    var rest = word;
    if ((rest[0] === "و" || rest[0] === "ف") && length(rest.slice(1)) >= 3) rest = rest.slice(1);
    var articles = ["بال", "كال", "لل", "ال"];
    for (var i = 0; i < articles.length; i++) {
      if (rest.startsWith(articles[i]) && length(rest.slice(articles[i].length)) >= 2) {
        return rest.slice(articles[i].length);
      }
    }
    if ("بلك".indexOf(rest[0]) >= 0 && rest.length && length(rest.slice(1)) >= 4) return rest.slice(1);
    return rest;
  }

  // The index terms of a text, as the build computes them: normalised words
  // that are not stop words, in their light form, two letters or more,
  // each once, in order.
  function terms(text, stopWords) {
    var seen = new Set();
    var out = [];
    for (var word of normalise(text).split(" ")) {
      if (!word || stopWords.has(word)) continue;
      var term = lightForm(word);
      if (length(term) < 2 || seen.has(term)) continue;
      seen.add(term);
      out.push(term);
    }
    return out;
  }

  // Strings compared by code point, as Rust sorts them.
  function compare(a, b) {
    var x = Array.from(a);
    var y = Array.from(b);
    for (var i = 0; i < x.length && i < y.length; i++) {
      var d = x[i].codePointAt(0) - y[i].codePointAt(0);
      if (d) return d;
    }
    return x.length - y.length;
  }

  var api = { foldChar: foldChar, normalise: normalise, lightForm: lightForm, terms: terms, compare: compare };
  if (typeof module !== "undefined" && module.exports) {
    module.exports = api;
  }
  if (typeof document === "undefined") return;

  // ---- the search page ----------------------------------------------------

  var root = document.getElementById("search");
  if (!root) return;
  var base = root.getAttribute("data-base") || "/";
  var input = document.getElementById("search-input");
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  var more = document.getElementById("search-more");
  var PAGE = 10;
  var PREFIX_MIN = 3;
  var PREFIX_CHUNKS = 3;
  var cache = {};
  var meta = null;
  var shown = [];
  var generation = 0;

  function fetchJson(path) {
    if (!cache[path]) {
      cache[path] = fetch(base + "search/" + path)
        .then(function (response) {
          if (!response.ok) throw new Error(path + ": " + response.status);
          return response.json();
        })
        .catch(function (error) {
          delete cache[path];
          if (path === "meta.json") meta = null;
          throw error;
        });
    }
    return cache[path];
  }

  function loadMeta() {
    if (!meta) {
      meta = fetchJson("meta.json").then(function (m) {
        m.stopSet = new Set(m.stop_words);
        return m;
      });
    }
    return meta;
  }

  // The index chunk whose range holds `term`: the last one starting at or before it.
  function chunkOf(m, term) {
    var lo = 0;
    var hi = m.chunks.length - 1;
    while (lo < hi) {
      var mid = (lo + hi + 1) >> 1;
      if (compare(m.chunks[mid], term) <= 0) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  // Chunks to read for a term: its own, and for a long enough term the
  // next ones while they start with it (words that extend it).
  function chunksFor(m, term) {
    var first = chunkOf(m, term);
    var out = [first];
    if (length(term) >= PREFIX_MIN) {
      for (var i = first + 1; i < m.chunks.length && out.length < PREFIX_CHUNKS; i++) {
        if (!m.chunks[i].startsWith(term)) break;
        out.push(i);
      }
    }
    return out;
  }

  function chunkFile(m, n) {
    return "index/" + m.files[n] + ".json";
  }

  // Scores of the articles a term finds: the exact word counts fully, words
  // that extend it (الصين → الصينيون) half, weighted by rarity.
  function scoreTerm(m, term, chunks) {
    var scores = new Map();
    var prefix = length(term) >= PREFIX_MIN;
    chunks.forEach(function (chunk) {
      Object.keys(chunk).forEach(function (word) {
        var exact = word === term;
        if (!exact && !(prefix && word.startsWith(term))) return;
        var postings = chunk[word];
        var idf = Math.log(1 + m.articles / (postings.length / 2));
        var factor = (exact ? 1 : 0.5) * idf;
        var id = 0;
        for (var i = 0; i < postings.length; i += 2) {
          id += postings[i];
          var score = postings[i + 1] * factor;
          var previous = scores.get(id) || 0;
          if (score > previous) scores.set(id, score);
        }
      });
    });
    return scores;
  }

  function search(query) {
    var mine = ++generation;
    return loadMeta().then(function (m) {
      var wanted = terms(query, m.stopSet);
      if (!wanted.length) return { terms: wanted, results: [] };
      var perTerm = wanted.map(function (term) {
        var numbers = chunksFor(m, term);
        return Promise.all(numbers.map(function (n) { return fetchJson(chunkFile(m, n)); })).then(function (chunks) {
          return scoreTerm(m, term, chunks);
        });
      });
      return Promise.all(perTerm).then(function (maps) {
        if (mine !== generation) return null;
        var total = new Map();
        maps.forEach(function (scores) {
          scores.forEach(function (score, id) {
            var entry = total.get(id) || { id: id, matched: 0, score: 0 };
            entry.matched += 1;
            entry.score += score;
            total.set(id, entry);
          });
        });
        var results = Array.from(total.values());
        var all = results.filter(function (r) { return r.matched === wanted.length; });
        if (all.length) results = all;
        // Most terms found, then score, then newest (articles are numbered oldest first).
        results.sort(function (a, b) {
          return b.matched - a.matched || b.score - a.score || b.id - a.id;
        });
        return { terms: wanted, results: results, partial: !all.length && wanted.length > 1 };
      });
    });
  }

  function article(m, id) {
    var n = Math.floor(id / m.docs_per_chunk);
    return fetchJson("docs/" + String(n).padStart(4, "0") + ".json").then(function (docs) {
      return docs[id - n * m.docs_per_chunk];
    });
  }

  // The site's digits: the page writes "0123456789" in them.
  var DIGITS = root.getAttribute("data-digits") || "0123456789";
  function digits(n) {
    return String(n).replace(/[0-9]/g, function (d) { return DIGITS[d] || d; });
  }

  // "3 نتائج", "11 نتيجةً", "100 نتيجة": the noun agrees with the number.
  function results(n) {
    var r = n % 100;
    if (n === 1) return "نتيجة واحدة";
    if (n === 2) return "نتيجتان";
    if (r >= 3 && r <= 10) return digits(n) + " نتائج";
    if (r >= 11) return digits(n) + " نتيجةً";
    return digits(n) + " نتيجة";
  }

  // Appends `text` to `parent`, each word whose index term a query term
  // matches (as the index matches it: the same term, or one of three
  // letters or more that it extends) in a <mark>.
  function highlight(parent, text, wanted) {
    var parts = text.split(/(\s+)/);
    var plain = "";
    parts.forEach(function (part) {
      var word = normalise(part.replace(/[^\p{L}\p{N}\p{M}]+/gu, ""));
      var term = word ? lightForm(word) : "";
      var hit = term && wanted.some(function (w) {
        return term === w || (length(w) >= 3 && term.startsWith(w));
      });
      if (!hit) {
        plain += part;
        return;
      }
      if (plain) parent.appendChild(document.createTextNode(plain));
      plain = "";
      var mark = document.createElement("mark");
      mark.textContent = part;
      parent.appendChild(mark);
    });
    if (plain) parent.appendChild(document.createTextNode(plain));
  }

  // A lede without the agency's dateline it often opens with ("(CNN)-- ").
  function withoutDateline(text) {
    return text.replace(/^\s*\(?[A-Za-z][A-Za-z. ]{0,24}\)?\s*[-\u2013\u2014]{1,2}\s*/, "");
  }

  function render(doc, wanted) {
    var item = document.createElement("article");
    item.className = "summary";
    var heading = document.createElement("h2");
    heading.className = "summary-title";
    var link = document.createElement("a");
    link.href = base + doc[0];
    highlight(link, doc[1], wanted);
    heading.appendChild(link);
    item.appendChild(heading);
    if (doc[2]) {
      var time = document.createElement("p");
      time.className = "meta";
      var t = document.createElement("time");
      t.dateTime = doc[2];
      t.textContent = doc[3];
      time.appendChild(t);
      if (doc[5]) {
        var source = document.createElement("span");
        source.className = "source";
        source.dir = "auto";
        source.textContent = doc[5];
        time.appendChild(document.createTextNode(" "));
        time.appendChild(source);
      }
      item.appendChild(time);
    }
    if (doc[4]) {
      var lede = document.createElement("p");
      lede.className = "lede";
      highlight(lede, withoutDateline(doc[4]), wanted);
      item.appendChild(lede);
    }
    return item;
  }

  function showMore() {
    var mine = generation;
    loadMeta().then(function (m) {
      var next = shown.results.slice(shown.count, shown.count + PAGE);
      shown.count += next.length;
      return Promise.all(next.map(function (r) { return article(m, r.id); })).then(function (docs) {
        if (mine !== generation) return;
        docs.forEach(function (doc) {
          if (doc) {
            var li = document.createElement("li");
            li.appendChild(render(doc, shown.terms));
            list.appendChild(li);
          }
        });
        more.hidden = shown.count >= shown.results.length;
      });
    });
  }

  function run(query) {
    var url = new URL(window.location.href);
    if (query) url.searchParams.set("q", query);
    else url.searchParams.delete("q");
    window.history.replaceState(null, "", url);
    list.textContent = "";
    more.hidden = true;
    if (!query.trim()) {
      generation++;
      status.textContent = "";
      return;
    }
    status.textContent = "جارٍ البحث…";
    search(query)
      .then(function (found) {
        if (!found) return;
        if (!found.terms.length) {
          status.textContent = "اكتب كلمة للبحث عنها (الكلمات الشائعة مثل «في» و«من» لا يُبحث عنها).";
          return;
        }
        var count = found.results.length;
        if (!count) {
          status.textContent = "لا توجد نتائج لـ«" + query.trim() + "».";
          return;
        }
        status.textContent =
          (found.partial ? "لا مقال يجمع كل الكلمات؛ " : "") + results(count) + " لـ«" + query.trim() + "».";
        shown = { results: found.results, count: 0, terms: found.terms };
        showMore();
      })
      .catch(function () {
        status.textContent = "تعذّر تحميل فهرس البحث.";
      });
  }

  var timer = null;
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () { run(input.value); }, 200);
  });
  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter") {
      clearTimeout(timer);
      run(input.value);
    }
  });
  more.addEventListener("click", showMore);
  var initial = new URLSearchParams(window.location.search).get("q");
  if (initial) {
    input.value = initial;
    run(initial);
  }
})();
