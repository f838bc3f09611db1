# samskap_warnings(<target>): the project's warning set; errors unless SAMSKAP_WERROR is OFF.
function(samskap_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor
                                           -Wold-style-cast -Wcast-align -Woverloaded-virtual
                                           -Wimplicit-fallthrough
                                           # GCC 12 reports false -Wrestrict positives inside std::string at -O3
                                           # (GCC bug 105329).
                                           -Wno-restrict)
  if(SAMSKAP_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
