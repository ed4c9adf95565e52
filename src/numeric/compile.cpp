// ddx::compile: emitted C through ddx::load_c (load_c.cpp), or the interpreter.
#include <ddx/codegen.hpp>
#include <ddx/error.hpp>

#include <mutex>

namespace ddx {

namespace {

// The name of the function in every source ddx::compile emits.
constexpr const char* compiled_function_name = "ddx_function";

std::mutex handler_mutex;
std::function<void(const std::string&)>& fallback_handler() {
    static std::function<void(const std::string&)> handler;
    return handler;
}

}  // namespace

void set_interpreter_fallback_handler(std::function<void(const std::string& why)> handler) {
    std::lock_guard<std::mutex> lock(handler_mutex);
    fallback_handler() = std::move(handler);
}

compiled_function compile(const std::vector<GiNaC::ex>& outputs, const std::vector<GiNaC::ex>& variables) {
    compiled_function f;
    std::vector<GiNaC::ex> flat = flatten(outputs);
    f.inputs_ = variables.size();
    f.outputs_ = flat.size();
    auto source = std::make_shared<const std::string>(emit_c(outputs, variables, compiled_function_name));
    f.source_ = source;
    try {
        f.native_ = reinterpret_cast<compiled_function::native_fn>(load_c(*source, compiled_function_name, f.library_));
    } catch (const error& e) {
        f.native_ = nullptr;
        f.library_.reset();
        std::string why = e.what();
        why.erase(why.find_last_not_of(" \t\r\n") + 1);  // no newline at the end
        f.why_interpreted_ = std::make_shared<const std::string>(why);
        f.interpreted_ = std::make_shared<const tape>(lower(outputs, variables));
        std::function<void(const std::string&)> handler;
        {
            std::lock_guard<std::mutex> lock(handler_mutex);
            handler = fallback_handler();
        }
        if (handler) handler(*f.why_interpreted_);
    }
    return f;
}

const std::string& compiled_function::name() const {
    static const std::string name = compiled_function_name;
    return name;
}

const std::string& compiled_function::source() const {
    static const std::string none;
    return source_ ? *source_ : none;
}

const std::string& compiled_function::why_interpreted() const {
    static const std::string native;
    return why_interpreted_ ? *why_interpreted_ : native;
}

void compiled_function::operator()(const double* in, double* out) const {
    if (native_) {
        native_(in, out);
        return;
    }
    thread_local std::vector<double> registers;
    execute(*interpreted_, in, out, registers);
}

}  // namespace ddx
