package io.paxos.core;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Finds internal types in API signatures (docs/api-surface.md), for the modules' signature tests
 * ({@code ApiSignaturesTest} here, paxos-grpc's through the test-jar): the public types of a
 * module's API packages, and for each the members that mention a type of an internal package.
 *
 * <p>A type is API if it and every type it is nested in are public (or protected) and its package
 * is not internal. Its signatures are its supertypes and type parameters, and each public or
 * protected field, constructor and method (public methods also where inherited): parameter, return,
 * field and thrown types, walked through arrays, generic arguments, wildcards and bounds.
 */
public final class ApiSignatures {
  private final Set<String> internalPackages;

  /**
   * A finder for the given internal packages.
   *
   * @param internalPackages packages (with their subpackages) whose types API signatures must not
   *     mention
   */
  public ApiSignatures(Set<String> internalPackages) {
    this.internalPackages = Set.copyOf(internalPackages);
  }

  /**
   * {@return the API types of the classes under {@code classes} (a module's {@code
   * target/classes}), sorted by name}
   *
   * @param classes the root of a compiled module's classes
   */
  public List<Class<?>> apiTypes(Path classes) {
    List<Class<?>> types = new ArrayList<>();
    try (Stream<Path> files = Files.walk(classes)) {
      for (Path file : (Iterable<Path>) files.sorted()::iterator) {
        String relative = classes.relativize(file).toString().replace('\\', '/');
        if (!relative.endsWith(".class") || relative.endsWith("package-info.class")) {
          continue;
        }
        String name = relative.substring(0, relative.length() - 6).replace('/', '.');
        Class<?> type = Class.forName(name, false, ApiSignatures.class.getClassLoader());
        if (!internal(type.getPackageName())
            && !type.isAnonymousClass()
            && !type.isLocalClass()
            && visible(type)) {
          types.add(type);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException("a compiled class is not on the test class path: " + e, e);
    }
    return types;
  }

  /** Whether {@code type} is public or protected, and so is every type it is nested in. */
  private static boolean visible(Class<?> type) {
    for (Class<?> c = type; c != null; c = c.getEnclosingClass()) {
      if (!visible(c.getModifiers())) {
        return false;
      }
    }
    return !type.isSynthetic();
  }

  private static boolean visible(int modifiers) {
    return Modifier.isPublic(modifiers) || Modifier.isProtected(modifiers);
  }

  /**
   * {@return whether {@code packageName} is one of the internal packages or below one}
   *
   * @param packageName a package name
   */
  public boolean internal(String packageName) {
    for (String p : internalPackages) {
      if (packageName.equals(p) || packageName.startsWith(p + ".")) {
        return true;
      }
    }
    return false;
  }

  /**
   * {@return each signature of {@code type} that mentions an internal type, as {@code "Type#member(
   * Params): internal.Type"}}
   *
   * @param type the type whose signatures to check
   */
  public List<String> leaks(Class<?> type) {
    List<String> found = new ArrayList<>();
    String name = type.getSimpleName();
    List<Type> own = new ArrayList<>();
    if (type.getGenericSuperclass() != null) {
      own.add(type.getGenericSuperclass());
    }
    own.addAll(List.of(type.getGenericInterfaces()));
    own.addAll(List.of(type.getTypeParameters()));
    report(found, name + " (supertype)", own);
    for (Field f : type.getDeclaredFields()) {
      if (visible(f.getModifiers()) && !f.isSynthetic()) {
        report(found, name + "#" + f.getName() + " (field)", List.of(f.getGenericType()));
      }
    }
    for (Constructor<?> c : type.getDeclaredConstructors()) {
      if (visible(c.getModifiers()) && !c.isSynthetic()) {
        report(found, name + signature(c), mentioned(c));
      }
    }
    Set<Method> methods = new HashSet<>(List.of(type.getMethods())); // public, also inherited
    for (Method m : type.getDeclaredMethods()) {
      if (Modifier.isProtected(m.getModifiers())) {
        methods.add(m);
      }
    }
    for (Method m : methods) {
      if (!m.isSynthetic() && !m.isBridge() && m.getDeclaringClass() != Object.class) {
        List<Type> types = mentioned(m);
        types.add(m.getGenericReturnType());
        report(found, name + "#" + m.getName() + signature(m), types);
      }
    }
    found.sort(null);
    return found;
  }

  private static String signature(Executable e) {
    StringBuilder s = new StringBuilder("(");
    for (Class<?> p : e.getParameterTypes()) {
      s.append(s.length() > 1 ? ", " : "").append(p.getSimpleName());
    }
    return s.append(")").toString();
  }

  private static List<Type> mentioned(Executable e) {
    List<Type> types = new ArrayList<>();
    types.addAll(List.of(e.getGenericParameterTypes()));
    types.addAll(List.of(e.getGenericExceptionTypes()));
    types.addAll(List.of(e.getTypeParameters()));
    return types;
  }

  private void report(List<String> found, String where, List<Type> types) {
    Set<String> internalTypes = new TreeSet<>();
    Set<Type> seen = new HashSet<>();
    for (Type t : types) {
      collect(t, internalTypes, seen);
    }
    for (String t : internalTypes) {
      found.add(where + ": " + t);
    }
  }

  /** Every class {@code type} names, through arrays, generic arguments, wildcards and bounds. */
  private void collect(Type type, Set<String> internalTypes, Set<Type> seen) {
    if (!seen.add(type)) {
      return; // a type variable bounded by itself, as in <T extends Comparable<T>>
    }
    if (type instanceof Class<?> c) {
      while (c.isArray()) {
        c = c.getComponentType();
      }
      if (!c.isPrimitive() && internal(c.getPackageName())) {
        internalTypes.add(c.getName());
      }
    } else if (type instanceof ParameterizedType p) {
      collect(p.getRawType(), internalTypes, seen);
      for (Type argument : p.getActualTypeArguments()) {
        collect(argument, internalTypes, seen);
      }
    } else if (type instanceof WildcardType w) {
      for (Type bound : w.getUpperBounds()) {
        collect(bound, internalTypes, seen);
      }
      for (Type bound : w.getLowerBounds()) {
        collect(bound, internalTypes, seen);
      }
    } else if (type instanceof TypeVariable<?> v) {
      for (Type bound : v.getBounds()) {
        collect(bound, internalTypes, seen);
      }
    } else if (type instanceof GenericArrayType a) {
      collect(a.getGenericComponentType(), internalTypes, seen);
    }
  }
}
