// Loops in the emitted C (declared in loops.hpp). A tanh network with named weights lowers
// to straight-line code: each weight is its own input, so each multiply-add of a layer is
// its own statement, and the emitted value and gradient of a network of 600 parameters is
// 50 KB of machine code, more than the processor's instruction cache; it ran 15-28% slower
// than hand-written loops over arrays that execute more instructions. Here the same
// arithmetic is found as runs of products whose one operand walks the inputs (the weights
// of a unit: in[base + i]; a hidden unit's weights into the next layer: in[base + stride *
// i]) or is one register (an output's delta times each of the layer's activations), so that
// codegen_c.cpp can write each run as a loop over an array of its other operands; a run's
// sum in four interleaved chains (what a vectorizer makes one vector of), and sums that walk
// the same way from consecutive inputs (a hidden layer's adjoints) side by side, one lane
// each (lane_group), so that the loop over the lanes reads consecutive inputs.
#include "numeric/loops.hpp"

#include <algorithm>
#include <climits>
#include <set>
#include <tuple>
#include <utility>

namespace ddx {

namespace {

using kind = instruction::kind;

// The most chains a run is split in (chains_for): 4 doubles are one AVX vector, and at most
// 4 accumulators of 2 each with SSE2. 8 chains measured slower on the network ladder (more
// set-up and tail code per sum, a longer sum of the chains at the end).
constexpr std::size_t max_chains = 4;

bool has_operands(const instruction& x) { return x.op != kind::constant && x.op != kind::input; }
bool is_sum(const instruction& x) { return x.op == kind::add || x.op == kind::sub; }

// Who reads each register: how many times (outputs included), and whether it is an output.
struct readers {
    std::vector<int> count;
    std::vector<int> last;  // the last instruction reading it
    std::vector<bool> output;

    explicit readers(const tape& p) : count(p.code.size(), 0), last(p.code.size(), -1), output(p.code.size(), false) {
        for (size_t k = 0; k < p.code.size(); ++k) {
            const instruction& x = p.code[k];
            if (!has_operands(x)) continue;
            for (int r : {x.a, x.b}) {
                if (r < 0) continue;
                ++count[static_cast<size_t>(r)];
                last[static_cast<size_t>(r)] = static_cast<int>(k);
            }
        }
        for (int o : p.outputs) {
            ++count[static_cast<size_t>(o)];
            output[static_cast<size_t>(o)] = true;
        }
    }
};

// A partial sum that only the next step of its sum reads (as the left operand): a chain
// a + b - c + ... is a spine of these, and the register at its top is the sum.
std::vector<bool> partial_sums(const tape& p, const readers& r) {
    std::vector<bool> partial(p.code.size(), false);
    for (size_t k = 0; k < p.code.size(); ++k) {
        int user = r.last[k];
        partial[k] = is_sum(p.code[k]) && r.count[k] == 1 && !r.output[k] && user >= 0 &&
                     is_sum(p.code[static_cast<size_t>(user)]) && p.code[static_cast<size_t>(user)].a == static_cast<int>(k);
    }
    return partial;
}

struct term {
    int reg;
    bool subtract;
};

// The terms of the sum at `root`, in the order the tape adds them.
std::vector<term> terms_of(const tape& p, const std::vector<bool>& partial, int root) {
    std::vector<term> out;
    int r = root;
    while (true) {
        const instruction& x = p.code[static_cast<size_t>(r)];
        out.push_back({x.b, x.op == kind::sub});
        if (!partial[static_cast<size_t>(x.a)]) {
            out.push_back({x.a, false});
            break;
        }
        r = x.a;
    }
    std::reverse(out.begin(), out.end());
    return out;
}

// The smallest input index among a product's operands, LONG_MAX for other terms.
long input_key(const tape& p, int reg) {
    const instruction& x = p.code[static_cast<size_t>(reg)];
    if (x.op != kind::mul) return LONG_MAX;
    long key = LONG_MAX;
    for (int r : {x.a, x.b}) {
        const instruction& operand = p.code[static_cast<size_t>(r)];
        if (operand.op == kind::input) key = std::min(key, static_cast<long>(operand.a));
    }
    return key;
}

bool is_input(const tape& p, int reg) { return p.code[static_cast<size_t>(reg)].op == kind::input; }
long input_index(const tape& p, int reg) { return p.code[static_cast<size_t>(reg)].a; }

// The longest run of products starting at products[from] whose i-th product is p(i) * q(i)
// with p a scalar or an input walk (q anything), found from the first two products' operands;
// q's registers in `q`. Its cost is that of the run found (plus a constant).
product_run match_run(const tape& p, const std::vector<std::pair<int, int>>& products, size_t from, std::vector<int>& q) {
    product_run best;
    q.clear();
    if (products.size() < from + 2) return best;
    auto operand = [&](size_t t, int side) { return side == 0 ? products[from + t].first : products[from + t].second; };
    for (int s0 = 0; s0 < 2; ++s0) {
        for (int s1 = 0; s1 < 2; ++s1) {
            int p0 = operand(0, s0), p1 = operand(1, s1);
            loop_operand lp;
            if (p0 == p1) {
                lp.k = loop_operand::kind::scalar;
                lp.reg = p0;
            } else if (is_input(p, p0) && is_input(p, p1)) {
                lp.k = loop_operand::kind::input;
                lp.base = input_index(p, p0);
                lp.stride = input_index(p, p1) - lp.base;
            } else {
                continue;
            }
            auto fits = [&](int reg, size_t i) {
                if (lp.k == loop_operand::kind::scalar) return reg == lp.reg;
                return is_input(p, reg) && input_index(p, reg) == lp.base + lp.stride * static_cast<long>(i);
            };
            std::vector<int> others = {operand(0, 1 - s0), operand(1, 1 - s1)};
            size_t t = 2;
            for (; from + t < products.size(); ++t) {
                if (fits(operand(t, 0), t)) {
                    others.push_back(operand(t, 1));
                } else if (fits(operand(t, 1), t)) {
                    others.push_back(operand(t, 0));
                } else {
                    break;
                }
            }
            if (t > best.length) {
                best = product_run{lp, loop_operand{}, t};
                q = others;
            }
        }
    }
    return best;
}

std::vector<std::pair<int, int>> operands_of(const tape& p, const std::vector<int>& regs) {
    std::vector<std::pair<int, int>> out;
    for (int r : regs) out.emplace_back(p.code[static_cast<size_t>(r)].a, p.code[static_cast<size_t>(r)].b);
    return out;
}

// The runs of at least min_loop_length among the products `regs`, taken greedily from the
// left: linear in regs (a failed attempt stops within min_loop_length products).
struct found_run {
    size_t start;
    product_run run;
    std::vector<int> q;
};

std::vector<found_run> runs_in(const tape& p, const std::vector<int>& regs) {
    std::vector<std::pair<int, int>> products = operands_of(p, regs);
    std::vector<found_run> out;
    for (size_t i = 0; i < regs.size();) {
        std::vector<int> q;
        product_run run = match_run(p, products, i, q);
        if (run.length >= min_loop_length) {
            out.push_back({i, run, std::move(q)});
            i += run.length;
        } else {
            ++i;
        }
    }
    return out;
}

// Sums that may be computed side by side (loops.hpp, lane_group): `key` is what the lanes
// must share (the stride, the length, the other operand), `base` the sum's first input.
struct lane_candidate {
    std::vector<long> key;
    long base = 0;
    int root = -1;
};

// The groups of min_lanes or more candidates with one key and consecutive bases, each in
// the order of its bases; sorted, so the same for every order of the candidates.
std::vector<std::vector<lane_candidate>> lane_groups(std::vector<lane_candidate> c) {
    std::sort(c.begin(), c.end(), [](const lane_candidate& a, const lane_candidate& b) {
        return std::tie(a.key, a.base, a.root) < std::tie(b.key, b.base, b.root);
    });
    std::vector<std::vector<lane_candidate>> out;
    for (size_t i = 0; i < c.size();) {
        size_t j = i + 1;
        while (j < c.size() && c[j].key == c[i].key && c[j].base == c[j - 1].base + 1) ++j;
        if (j - i >= min_lanes) out.emplace_back(c.begin() + static_cast<long>(i), c.begin() + static_cast<long>(j));
        i = j;
    }
    return out;
}

class planner {
public:
    explicit planner(const tape& p) : p_(p), readers_(p), partial_(partial_sums(p, readers_)) {
        plan_.in_loop.assign(p.code.size(), false);
        consumed_.assign(p.code.size(), 0);
    }

    loop_plan plan() {
        // Outer sums first: a sum that is one of a run's other chains belongs to the sum
        // it is added to.
        for (size_t k = p_.code.size(); k-- > 0;) {
            if (is_sum(p_.code[k]) && !partial_[k] && !plan_.in_loop[k]) sum(static_cast<int>(k));
        }
        outputs();
        lanes();
        // A product whose every reader is a loop needs no statement; one read elsewhere too
        // (the same w*f in two sums, one of them no loop) keeps it, and the loops compute
        // it again: the same double.
        for (size_t r = 0; r < p_.code.size(); ++r) {
            if (consumed_[r] > 0 && consumed_[r] == readers_.count[r]) plan_.in_loop[r] = true;
        }
        return std::move(plan_);
    }

private:
    // Any multiplication: a loop computes it where the run reads it.
    bool loopable(int reg) const { return p_.code[static_cast<size_t>(reg)].op == kind::mul; }

    // q's registers as an operand: one register, an input walk, or an array (one per
    // distinct list of registers, shared by every loop over them).
    loop_operand describe(const std::vector<int>& q) {
        loop_operand out;
        if (std::all_of(q.begin(), q.end(), [&](int r) { return r == q.front(); })) {
            out.reg = q.front();
            return out;
        }
        bool walk = std::all_of(q.begin(), q.end(), [&](int r) { return is_input(p_, r); });
        if (walk) {
            long base = input_index(p_, q[0]), stride = input_index(p_, q[1]) - base;
            for (size_t i = 0; i < q.size() && walk; ++i) walk = input_index(p_, q[i]) == base + stride * static_cast<long>(i);
            if (walk) {
                out.k = loop_operand::kind::input;
                out.base = base;
                out.stride = stride;
                return out;
            }
        }
        auto [it, added] = arrays_.emplace(q, static_cast<int>(plan_.arrays.size()));
        if (added) plan_.arrays.push_back(q);
        out.k = loop_operand::kind::array;
        out.array = it->second;
        return out;
    }

    // A run the loops compute: its array, and its reads of its multiplications.
    product_run accept(const found_run& f, const std::vector<int>& regs) {
        product_run run = f.run;
        run.q = describe(f.q);
        for (size_t i = 0; i < run.length; ++i) ++consumed_[static_cast<size_t>(regs[f.start + i])];
        return run;
    }

    // The terms of a sum at `reg` that one of a run's other chains can be: a sum read only
    // by its parent, all of its terms added products a loop can compute.
    bool second_chain(const term& t, std::vector<term>& terms) const {
        size_t r = static_cast<size_t>(t.reg);
        if (t.subtract || p_.code[r].op != kind::add || readers_.count[r] != 1 || readers_.output[r]) return false;
        terms = terms_of(p_, partial_, t.reg);
        return std::all_of(terms.begin(), terms.end(), [&](const term& x) { return !x.subtract && loopable(x.reg); });
    }

    // A run split in C chains by order_sums (loops.hpp): terms[start, first_chain) are the
    // products of chain 0, terms[first_chain, end] the other C - 1 chains (sums of their
    // own); product i of the run is chain (i mod C)'s (i / C)-th.
    struct chained_found {
        size_t start = 0, first_chain = 0, end = 0, chains = 0;
        product_run run;
        std::vector<int> regs, q;
    };

    bool chained_run(const std::vector<term>& terms, size_t first_chain, chained_found& out) const {
        std::vector<std::vector<term>> others;
        for (size_t j = first_chain; j < terms.size() && others.size() + 1 < max_chains; ++j) {
            std::vector<term> c;
            if (!second_chain(terms[j], c)) break;
            others.push_back(std::move(c));
        }
        for (size_t m = others.size(); m >= 1; --m) {
            const size_t chains = m + 1;
            for (size_t first : {others[0].size() + 1, others[0].size()}) {
                if (first > first_chain) continue;
                size_t n = first;
                for (size_t j = 0; j < m; ++j) n += others[j].size();
                if (n < min_loop_length || chains_for(n) != chains) continue;
                bool fits = first == (n + chains - 1) / chains;
                for (size_t j = 1; j < chains && fits; ++j) fits = others[j - 1].size() == (n - j + chains - 1) / chains;
                for (size_t i = first_chain - first; i < first_chain && fits; ++i) {
                    fits = !terms[i].subtract && loopable(terms[i].reg);
                }
                if (!fits) continue;
                std::vector<int> regs;
                for (size_t i = 0; i < n; ++i) {
                    size_t c = i % chains, at = i / chains;
                    regs.push_back(c == 0 ? terms[first_chain - first + at].reg : others[c - 1][at].reg);
                }
                std::vector<int> q;
                product_run run = match_run(p_, operands_of(p_, regs), 0, q);
                if (run.length != regs.size()) continue;
                out = chained_found{first_chain - first, first_chain, first_chain + m - 1, chains, run, regs, q};
                return true;
            }
        }
        return false;
    }

    void sum(int root) {
        std::vector<term> terms = terms_of(p_, partial_, root);
        std::map<size_t, chained_found> pairs;  // by start
        for (size_t j = 0, after = 0; j < terms.size(); ++j) {
            chained_found f;
            if (chained_run(terms, j, f) && f.start >= after) {
                after = f.end + 1;
                pairs.emplace(f.start, std::move(f));
            }
        }
        std::vector<sum_part> parts;
        std::vector<int> second_chains;
        bool any = false;
        for (size_t i = 0; i < terms.size();) {
            sum_part part;
            auto pair = pairs.find(i);
            if (pair != pairs.end()) {
                part.chains = pair->second.chains;
                part.run = pair->second.run;
                part.run.q = describe(pair->second.q);
                for (int r : pair->second.regs) ++consumed_[static_cast<size_t>(r)];
                for (size_t c = pair->second.first_chain; c <= pair->second.end; ++c) second_chains.push_back(terms[c].reg);
                parts.push_back(part);
                any = true;
                i = pair->second.end + 1;
                continue;
            }
            size_t next_pair = pairs.lower_bound(i) == pairs.end() ? terms.size() : pairs.lower_bound(i)->first;
            bool subtract = terms[i].subtract;
            std::vector<int> regs;
            for (size_t c = i; c < next_pair && loopable(terms[c].reg) && terms[c].subtract == subtract; ++c) {
                regs.push_back(terms[c].reg);
            }
            if (regs.empty()) {
                part.subtract = subtract;
                part.reg = terms[i++].reg;
                parts.push_back(part);
                continue;
            }
            size_t at = 0;
            auto single = [&] {
                sum_part one;
                one.subtract = subtract;
                one.reg = regs[at++];
                parts.push_back(one);
            };
            for (const found_run& f : runs_in(p_, regs)) {
                while (at < f.start) single();
                part.subtract = subtract;
                part.run = accept(f, regs);
                parts.push_back(part);
                any = true;
                at += f.run.length;
            }
            while (at < regs.size()) single();
            i += regs.size();
        }
        if (!any) return;
        mark_chain(root);
        for (int b : second_chains) mark_chain(b);
        plan_.in_loop[static_cast<size_t>(root)] = false;  // the sum's own statement is the loop
        plan_.sums.emplace(root, std::move(parts));
    }

    // Sums that are one run of products walking the inputs, in one chain: side by side
    // where min_lanes or more share the rest (lane_groups).
    void lanes() {
        std::vector<lane_candidate> candidates;
        for (const auto& [root, parts] : plan_.sums) {
            if (parts.size() != 1 || parts[0].reg >= 0 || parts[0].chains != 1 || parts[0].subtract) continue;
            const product_run& run = parts[0].run;
            if (run.p.k != loop_operand::kind::input) continue;
            const loop_operand& q = run.q;
            candidates.push_back({{run.p.stride, static_cast<long>(run.length), static_cast<long>(q.k), q.reg, q.base,
                                   q.stride, q.array},
                                  run.p.base, root});
        }
        for (const std::vector<lane_candidate>& g : lane_groups(std::move(candidates))) {
            lane_group group;
            const product_run& run = plan_.sums.at(g[0].root)[0].run;
            group.base = run.p.base;
            group.stride = run.p.stride;
            group.length = run.length;
            group.q = run.q;
            for (const lane_candidate& c : g) group.sums.push_back(c.root);
            plan_.lanes.push_back(std::move(group));
        }
    }

    void mark_chain(int top) {
        for (int r = top; r == top || partial_[static_cast<size_t>(r)]; r = p_.code[static_cast<size_t>(r)].a) {
            plan_.in_loop[static_cast<size_t>(r)] = true;
        }
    }

    void outputs() {
        const std::vector<int>& o = p_.outputs;
        for (size_t j = 0; j < o.size();) {
            std::vector<int> regs;
            for (size_t k = j; k < o.size() && loopable(o[k]); ++k) regs.push_back(o[k]);
            for (const found_run& f : runs_in(p_, regs)) plan_.outputs.emplace(j + f.start, accept(f, regs));
            j += std::max<size_t>(regs.size(), 1);
        }
    }

    const tape& p_;
    readers readers_;
    std::vector<bool> partial_;
    loop_plan plan_;
    std::map<std::vector<int>, int> arrays_;
    std::vector<int> consumed_;  // reads of a register that loops do
};

}  // namespace

std::size_t chains_for(std::size_t length) {
    std::size_t chains = 2;
    while (chains * 2 <= max_chains && length >= chains * 4) chains *= 2;
    return chains;
}

tape order_sums(const tape& p) {
    readers r(p);
    std::vector<bool> partial = partial_sums(p, r);
    auto loopable = [&](int reg) { return p.code[static_cast<size_t>(reg)].op == kind::mul; };
    // root -> its terms in the new order, and where the runs to split are ([start, end))
    std::map<int, std::pair<std::vector<term>, std::map<size_t, size_t>>> rearranged;
    std::vector<bool> dropped(p.code.size(), false);
    std::vector<lane_candidate> candidates;  // sums that plan_loops may put side by side
    for (size_t k = 0; k < p.code.size(); ++k) {
        if (!is_sum(p.code[k]) || partial[k]) continue;
        std::vector<term> terms = terms_of(p, partial, static_cast<int>(k));
        size_t keyed = 0;
        for (const term& t : terms) keyed += input_key(p, t.reg) != LONG_MAX;
        if (keyed < min_loop_length) continue;
        std::stable_sort(terms.begin(), terms.end(), [&](const term& a, const term& b) {
            if (a.subtract != b.subtract) return !a.subtract;
            return input_key(p, a.reg) < input_key(p, b.reg);
        });
        std::map<size_t, size_t> runs;
        for (size_t i = 0; i < terms.size();) {
            std::vector<int> regs;
            for (size_t c = i; c < terms.size() && !terms[c].subtract && loopable(terms[c].reg); ++c) regs.push_back(terms[c].reg);
            for (const found_run& f : runs_in(p, regs)) {
                runs.emplace(i + f.start, i + f.start + f.run.length);
                if (i == 0 && f.start == 0 && f.run.length == terms.size() && f.run.p.k == loop_operand::kind::input) {
                    lane_candidate c{{f.run.p.stride, static_cast<long>(f.run.length)}, f.run.p.base, static_cast<int>(k)};
                    // the other operand: the same registers (the planner's same array,
                    // input walk or scalar)
                    c.key.insert(c.key.end(), f.q.begin(), f.q.end());
                    candidates.push_back(std::move(c));
                }
            }
            i += std::max<size_t>(regs.size(), 1);
        }
        for (int x = p.code[k].a; partial[static_cast<size_t>(x)]; x = p.code[static_cast<size_t>(x)].a) {
            dropped[static_cast<size_t>(x)] = true;
        }
        rearranged.emplace(static_cast<int>(k), std::make_pair(std::move(terms), std::move(runs)));
    }
    if (rearranged.empty()) return p;
    std::set<int> one_chain;  // sums to be computed side by side: the lanes are the chains
    for (const std::vector<lane_candidate>& g : lane_groups(std::move(candidates))) {
        for (const lane_candidate& c : g) one_chain.insert(c.root);
    }
    tape out;
    out.inputs = p.inputs;
    std::vector<int> mapped(p.code.size(), -1);
    auto push = [&](kind op, int a, int b) {
        out.code.push_back({op, a, b, 0.0, {}});
        return static_cast<int>(out.code.size()) - 1;
    };
    for (size_t k = 0; k < p.code.size(); ++k) {
        if (dropped[k]) continue;
        auto it = rearranged.find(static_cast<int>(k));
        if (it == rearranged.end()) {
            instruction x = p.code[k];
            if (has_operands(x)) {
                if (x.a >= 0) x.a = mapped[static_cast<size_t>(x.a)];
                if (x.b >= 0) x.b = mapped[static_cast<size_t>(x.b)];
            }
            out.code.push_back(x);
            mapped[k] = static_cast<int>(out.code.size()) - 1;
            continue;
        }
        const std::vector<term>& terms = it->second.first;
        const std::map<size_t, size_t>& runs = it->second.second;
        auto reg = [&](size_t i) { return mapped[static_cast<size_t>(terms[i].reg)]; };
        int acc = -1;
        for (size_t i = 0; i < terms.size();) {
            auto run = runs.find(i);
            if (run == runs.end()) {
                acc = acc < 0 ? reg(i) : push(terms[i].subtract ? kind::sub : kind::add, acc, reg(i));
                ++i;
                continue;
            }
            const size_t n = run->second - i, count = one_chain.count(static_cast<int>(k)) ? 1 : chains_for(n);
            std::vector<int> chains(count, -1);
            chains[0] = acc;
            for (size_t j = 0; j < n; ++j) {
                int& chain = chains[j % count];
                chain = chain < 0 ? reg(i + j) : push(kind::add, chain, reg(i + j));
            }
            acc = chains[0];
            for (size_t c = 1; c < count; ++c) acc = push(kind::add, acc, chains[c]);
            i = run->second;
        }
        mapped[k] = acc;
    }
    for (int o : p.outputs) out.outputs.push_back(mapped[static_cast<size_t>(o)]);
    return out;
}

loop_plan plan_loops(const tape& p) { return planner(p).plan(); }

}  // namespace ddx
