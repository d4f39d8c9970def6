# Installs headers under include/sprig/<module>/, the library, the executables
# and a CMake package: find_package(sprig) + target_link_libraries(app sprig::sprig).
include(CMakePackageConfigHelpers)

foreach(module IN LISTS SPRIG_MODULES)
  install(DIRECTORY "${CMAKE_CURRENT_SOURCE_DIR}/${module}/"
          DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}/sprig/${module}"
          FILES_MATCHING PATTERN "*.hpp")
endforeach()
install(FILES "${SPRIG_INCLUDE_ROOT}/sprig/config.hpp" DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}/sprig")

install(TARGETS sprig EXPORT sprigTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
        RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
        INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
set(SPRIG_CMAKE_DIR "${CMAKE_INSTALL_LIBDIR}/cmake/sprig")
install(EXPORT sprigTargets NAMESPACE sprig:: DESTINATION "${SPRIG_CMAKE_DIR}")
set(SPRIG_HDF5_INCLUDE_DIRS "${HDF5_C_INCLUDE_DIRS}")
set(SPRIG_HDF5_LIBRARIES "${HDF5_C_LIBRARIES}")
if(NOT SPRIG_HDF5_LIBRARIES)
  set(SPRIG_HDF5_INCLUDE_DIRS "${HDF5_INCLUDE_DIRS}")
  set(SPRIG_HDF5_LIBRARIES "${HDF5_LIBRARIES}")
endif()
configure_package_config_file(cmake/sprigConfig.cmake.in "${CMAKE_CURRENT_BINARY_DIR}/sprigConfig.cmake"
                              INSTALL_DESTINATION "${SPRIG_CMAKE_DIR}")
write_basic_package_version_file("${CMAKE_CURRENT_BINARY_DIR}/sprigConfigVersion.cmake"
                                 COMPATIBILITY SameMinorVersion)
install(FILES "${CMAKE_CURRENT_BINARY_DIR}/sprigConfig.cmake" "${CMAKE_CURRENT_BINARY_DIR}/sprigConfigVersion.cmake"
        DESTINATION "${SPRIG_CMAKE_DIR}")
