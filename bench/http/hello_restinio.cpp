// A bare RESTinio server answering "ok" on every path: the baseline that
// `./dev bench http` measures samskap against. Usage: bench_hello_restinio PORT [THREADS]
#include <restinio/all.hpp>

#include <cstdlib>
#include <iostream>

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: bench_hello_restinio PORT [THREADS]\n";
    return 2;
  }
  const auto port = static_cast<std::uint16_t>(std::atoi(argv[1]));
  const std::size_t threads = argc > 2 ? static_cast<std::size_t>(std::atoi(argv[2])) : 2;
  using traits_t = restinio::default_traits_t;
  restinio::run(restinio::on_thread_pool<traits_t>(threads)
                    .port(port)
                    .address("127.0.0.1")
                    .request_handler([](auto req) {
                      return req->create_response()
                          .append_header(restinio::http_field::content_type,
                                         "text/plain; charset=utf-8")
                          .set_body("ok\n")
                          .done();
                    }));
  return 0;
}
