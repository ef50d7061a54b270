# What `cmake --install` puts where, and the .deb built from it (CPack,
# packaging/deb.sh). Included by the top-level CMakeLists.txt.
#
#   bin/actscope, bin/actscope-cli
#   share/actscope/{models,samples}        the bundled model (its card inside), its training run
#                                          (models/fashion_run) and samples;
#                                          the programs find them from bin/ (core/base/version.h)
#   share/applications, share/metainfo     desktop entry and AppStream data, id org.actscope.actscope
#   share/icons/hicolor/*/apps             SVG and PNG icons (PNGs rendered from the SVG by
#                                          `rsvg-convert -w N -h N`, kept in resources/icons)
#   share/man/man1                         man pages made from each program's --help
#   share/doc/actscope                     README, copyright, changelog
include(GNUInstallDirs)

set(ACTSCOPE_APP_ID org.actscope.actscope)
set(ACTSCOPE_RELEASE_DATE 2026-12-03)  # of PROJECT_VERSION, for the AppStream release entry
set(ACTSCOPE_WEB_URL "https://example.org/actscope" CACHE STRING
    "Where the project's home page and README screenshots are published (AppStream, the .deb)")
set(ACTSCOPE_MAINTAINER "actscope developers <actscope@example.org>" CACHE STRING
    "The .deb's maintainer, as \"Name <address>\"")
set(ACTSCOPE_SHARE "${CMAKE_INSTALL_DATADIR}/actscope")
set(PACKAGING "${PROJECT_SOURCE_DIR}/packaging")

install(TARGETS actscope actscope-cli RUNTIME DESTINATION "${CMAKE_INSTALL_BINDIR}")
install(FILES "${PROJECT_SOURCE_DIR}/resources/models/fashion_cnn.pt" DESTINATION "${ACTSCOPE_SHARE}/models")
install(DIRECTORY "${PROJECT_SOURCE_DIR}/resources/models/fashion_run/" DESTINATION "${ACTSCOPE_SHARE}/models/fashion_run")
install(DIRECTORY "${PROJECT_SOURCE_DIR}/resources/samples/" DESTINATION "${ACTSCOPE_SHARE}/samples")
install(FILES "${PROJECT_SOURCE_DIR}/resources/labels/imagenet_classes.txt" DESTINATION "${ACTSCOPE_SHARE}/labels")

install(FILES "${PACKAGING}/linux/${ACTSCOPE_APP_ID}.desktop" DESTINATION "${CMAKE_INSTALL_DATADIR}/applications")
configure_file("${PACKAGING}/linux/${ACTSCOPE_APP_ID}.metainfo.xml.in"
               "${PROJECT_BINARY_DIR}/${ACTSCOPE_APP_ID}.metainfo.xml" @ONLY)
install(FILES "${PROJECT_BINARY_DIR}/${ACTSCOPE_APP_ID}.metainfo.xml" DESTINATION "${CMAKE_INSTALL_DATADIR}/metainfo")
install(FILES "${PROJECT_SOURCE_DIR}/resources/icons/actscope.svg"
        DESTINATION "${CMAKE_INSTALL_DATADIR}/icons/hicolor/scalable/apps" RENAME "${ACTSCOPE_APP_ID}.svg")
foreach(size 48 64 128 256)
  install(FILES "${PROJECT_SOURCE_DIR}/resources/icons/actscope-${size}.png"
          DESTINATION "${CMAKE_INSTALL_DATADIR}/icons/hicolor/${size}x${size}/apps" RENAME "${ACTSCOPE_APP_ID}.png")
endforeach()

# Man pages from each program's own --help, so they cannot drift from it.
set(MAN_DIR "${PROJECT_BINARY_DIR}/man")
file(MAKE_DIRECTORY "${MAN_DIR}")
add_custom_command(OUTPUT "${MAN_DIR}/actscope.1.gz"
  COMMAND bash "${PACKAGING}/make_man_page.sh" $<TARGET_FILE:actscope>
          "see what every filter of a convolutional network sees" "${MAN_DIR}/actscope.1.gz"
  DEPENDS actscope "${PACKAGING}/make_man_page.sh" VERBATIM)
add_custom_command(OUTPUT "${MAN_DIR}/actscope-cli.1.gz"
  COMMAND bash "${PACKAGING}/make_man_page.sh" $<TARGET_FILE:actscope-cli>
          "activation maps, filter weights and CAMs of TorchScript CNNs from the command line"
          "${MAN_DIR}/actscope-cli.1.gz"
  DEPENDS actscope-cli "${PACKAGING}/make_man_page.sh" VERBATIM)
add_custom_target(man_pages ALL DEPENDS "${MAN_DIR}/actscope.1.gz" "${MAN_DIR}/actscope-cli.1.gz")
install(FILES "${MAN_DIR}/actscope.1.gz" "${MAN_DIR}/actscope-cli.1.gz" DESTINATION "${CMAKE_INSTALL_MANDIR}/man1")

# Debian wants the changelog gzipped without a timestamp.
add_custom_command(OUTPUT "${PROJECT_BINARY_DIR}/changelog.gz"
  COMMAND gzip -9 -n -c "${PACKAGING}/changelog" > "${PROJECT_BINARY_DIR}/changelog.gz"
  DEPENDS "${PACKAGING}/changelog" VERBATIM)
add_custom_target(changelog ALL DEPENDS "${PROJECT_BINARY_DIR}/changelog.gz")
install(FILES "${PROJECT_SOURCE_DIR}/README.md" "${PACKAGING}/copyright" DESTINATION "${CMAKE_INSTALL_DOCDIR}")
install(FILES "${PROJECT_BINARY_DIR}/changelog.gz" DESTINATION "${CMAKE_INSTALL_DOCDIR}")

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME actscope)
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "see what every filter of a convolutional network sees")
set(CPACK_PACKAGE_DESCRIPTION "actscope opens a CNN trained in PyTorch (TorchScript) and some images and
shows every layer's filter maps, each with a colour scale, beside a Grad-CAM
heatmap of where the model looked for a class. It compares misclassified
images with correct ones and predicts whole datasets. actscope-cli does the
same from the command line.")
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${ACTSCOPE_MAINTAINER}")
set(CPACK_DEBIAN_PACKAGE_SECTION science)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "${ACTSCOPE_WEB_URL}")
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)  # dependencies from dpkg-shlibdeps
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # actscope_<version>_<arch>.deb
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_STRIP_FILES ON)
include(CPack)
