#include "core/undefined_functions.hpp"

#include <ddx/error.hpp>

#include "core/expairs.hpp"

#include <limits>
#include <map>
#include <mutex>
#include <set>
#include <utility>

namespace ddx {

namespace {

struct table {
    std::mutex lock;
    std::map<std::pair<std::string, unsigned>, unsigned> serials;  // (name, arity) -> serial
    std::set<unsigned> undefined;                                    // the serials above
};

table& registry() {
    static table t;  // never destroyed before GiNaC's own registry: both live for the process
    return t;
}

}  // namespace

unsigned undefined_function_serial(const std::string& name, unsigned arity) {
    table& t = registry();
    std::lock_guard<std::mutex> hold(t.lock);
    auto it = t.serials.find({name, arity});
    if (it != t.serials.end()) return it->second;
    unsigned serial = GiNaC::function::register_new(
        // overloaded: f may exist with other arities (and as one of GiNaC's own functions);
        // without it GiNaC writes a warning on standard error
        GiNaC::function_options(name, arity).overloaded(std::numeric_limits<unsigned>::max()));
    t.serials.emplace(std::make_pair(name, arity), serial);
    t.undefined.insert(serial);
    return serial;
}

GiNaC::ex undefined_call(const std::string& name, const GiNaC::exvector& args) {
    return GiNaC::function(undefined_function_serial(name, static_cast<unsigned>(args.size())), args);
}

GiNaC::ex undefined_derivative(const std::string& name, const GiNaC::ex& u, int k) {
    unsigned serial = undefined_function_serial(name, 1);
    if (k <= 0) return GiNaC::function(serial, u);
    GiNaC::paramset params;
    for (int i = 0; i < k; ++i) params.insert(0);
    return GiNaC::fderivative(serial, params, GiNaC::exvector{u});
}

bool is_undefined_function(unsigned serial) {
    table& t = registry();
    std::lock_guard<std::mutex> hold(t.lock);
    return t.undefined.count(serial) != 0;
}

std::optional<std::string> find_undefined_function(const GiNaC::ex& e) {
    std::set<unsigned> serials;
    {
        table& t = registry();
        std::lock_guard<std::mutex> hold(t.lock);
        if (t.undefined.empty()) return std::nullopt;
        serials = t.undefined;
    }
    std::optional<std::string> found;
    detail::node_set seen;
    visit_distinct(e, seen, [&](const GiNaC::ex& x) {
        if (!found && GiNaC::is_a<GiNaC::function>(x)) {
            const auto& f = GiNaC::ex_to<GiNaC::function>(x);
            if (serials.count(f.get_serial())) found = f.get_name();
        }
    });
    return found;
}

void require_no_undefined_functions(const GiNaC::ex& e) {
    if (auto name = find_undefined_function(e)) throw error(*name + " is an undefined function: it has no value");
}

}  // namespace ddx
